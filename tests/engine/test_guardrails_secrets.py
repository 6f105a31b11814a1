"""Secret detectors: each provider's key shape is caught; placeholders and references are not.

Fake keys are assembled from pieces so that no line of this file looks like a live credential.
"""

import pytest

from peerwheel.engine.guardrails import FindingKind, Severity, scan

FAKE = "FAKE0123456789abcdefghijABCDEFGHIJ"  # 34 characters of obviously fake key body


def _kinds(text: str) -> list[FindingKind]:
    return [f.kind for f in scan(text).findings]


def _spans(text: str) -> list[str]:
    return [text[f.start : f.end] for f in scan(text).findings]


@pytest.mark.parametrize(
    ("secret", "kind"),
    [
        ("sk-" + FAKE + "klmnOPQR", FindingKind.OPENAI_KEY),
        ("sk-proj-" + FAKE + "_klmn-OPQR0000", FindingKind.OPENAI_KEY),
        ("sk-ant-api03-" + FAKE + "-" + FAKE, FindingKind.ANTHROPIC_KEY),
        ("AKIA" + "FAKE0000TEST9999", FindingKind.AWS_ACCESS_KEY_ID),
        ("ghp_" + FAKE + "xy", FindingKind.GITHUB_TOKEN),
        ("github_pat_" + "11FAKE0000_" + FAKE + FAKE, FindingKind.GITHUB_TOKEN),
        ("xoxb-" + "000000000000-0000000000000-" + FAKE[:24], FindingKind.SLACK_TOKEN),
        ("AIza" + "FAKE_" + FAKE[4:], FindingKind.GOOGLE_API_KEY),
        ("sk_live_" + FAKE, FindingKind.STRIPE_KEY),
        ("rk_test_" + FAKE, FindingKind.STRIPE_KEY),
    ],
)
def test_provider_key_is_caught_whole_and_blocks(secret: str, kind: FindingKind) -> None:
    text = f"my config:\n  key_in_use = {secret}\n  region = eu-west-1\n"
    result = scan(text)
    assert [f.kind for f in result.findings] == [kind]
    assert _spans(text) == [secret]
    assert result.blocked
    assert result.findings[0].severity is Severity.BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "export OPENAI_API_KEY=YOUR_API_KEY",
        "api_key = os.environ['OPENAI_API_KEY']",
        "Replace sk-... with your key",
        "sk-your-openai-api-key-goes-here",
        "ghp_" + "x" * 36,
        "AKIA" + "IOSFODNN7" + "EXAMPLE",
        "scikit-learn, a.k.a. sk-learn, handles the clustering-for-segmentation step",
        "task-0123456789abcdefABCDEF is a job id, not a key",
    ],
)
def test_placeholders_and_lookalikes_are_not_secrets(text: str) -> None:
    assert scan(text).findings == ()


def test_aws_secret_access_key_is_found_by_its_name() -> None:
    secret = "FAKEfakeFAKE0000/TestOnly" + "+NotARealKey123"
    text = f"aws_secret_access_key = {secret}\n"
    assert _kinds(text) == [FindingKind.AWS_SECRET_KEY]
    assert _spans(text) == [secret]


def test_azure_storage_connection_string_key_is_caught() -> None:
    key = (
        "FAKE"
        + "pTyGJMuHbEL31IeL2HPcHyGcFRl1SPnXNYvMIHa/2o76umfXfKm/r5kJP1VrT+1FJors/6ILi8IHn5kxsC=="
    )
    text = f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={key};EndpointSuffix=x"
    assert _kinds(text) == [FindingKind.AZURE_KEY]
    assert _spans(text) == [key]


def test_jwt_needs_a_json_header() -> None:
    header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"  # {"alg":"HS256","typ":"JWT"}
    body = "eyJzdWIiOiJmYWtlLXVzZXItMDAwMCJ9"  # {"sub":"fake-user-0000"}
    token = f"{header}.{body}.FAKEsignature0000abcd"
    assert _kinds(f"Authorization: Bearer {token}") == [FindingKind.JWT]
    not_json = "eyJnotjsonatall0000.eyJnotjsonatall0000.FAKEsignature0000abcd"
    assert FindingKind.JWT not in _kinds(f"id {not_json}")


def test_private_key_block_is_caught_from_begin_to_end() -> None:
    begin, end = "-----BEGIN RSA " + "PRIVATE KEY-----", "-----END RSA " + "PRIVATE KEY-----"
    block = f"{begin}\nMIIEpAIBAAKCAQEAFAKE0000testonly\nFAKEFAKE0000abcd\n{end}"
    text = f"this one fails:\n{block}\nany idea?"
    assert _spans(text) == [block]


def test_truncated_private_key_paste_is_caught_to_the_last_base64_line() -> None:
    begin = "-----BEGIN " + "PRIVATE KEY-----"
    text = f"{begin}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nFAKE0000FAKE0000FAKE\nthen it stops"
    assert _spans(text) == [f"{begin}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nFAKE0000FAKE0000FAKE"]


def test_private_key_with_elided_body_is_documentation() -> None:
    begin, end = "-----BEGIN " + "PRIVATE KEY-----", "-----END " + "PRIVATE KEY-----"
    assert scan(f"{begin}\n...\n{end}").findings == ()


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("postgres://reporting:Tr0ub4dor-2024@db.internal:5432/x", "Tr0ub4dor-2024"),
        ("mongodb+srv://etl:s3cr3tPassw0rd@cluster0.fake.net/?w=1", "s3cr3tPassw0rd"),
        ("amqp://guest:Rabb1tMQ!2024@queue:5672/", "Rabb1tMQ!2024"),
    ],
)
def test_password_in_url_is_the_only_part_replaced(url: str, password: str) -> None:
    result = scan(url)
    assert [f.kind for f in result.findings] == [FindingKind.URL_PASSWORD]
    assert _spans(url) == [password]
    assert result.findings[0].replacement == "<PASSWORD>"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://user:password@localhost:5432/app",
        "postgres://postgres:postgres@db:5432/app",
        "redis://:${REDIS_PASSWORD}@cache:6379/0",
        "https://user:<password>@host/",
        "https://alice@host.internal/path",
    ],
)
def test_url_without_a_real_password_is_fine(url: str) -> None:
    assert scan(url).findings == ()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("password=Tr0ub4dor&3xyz", "Tr0ub4dor&3xyz"),
        ("db:\n  password: Summer2024!\n", "Summer2024!"),
        ('"client_secret": "q8F3kL0pZ2xV7nB4mR1tY6wE9uI5oA3s"', "q8F3kL0pZ2xV7nB4mR1tY6wE9uI5oA3s"),
        ("X-Api-Key: 7f3a9c1e5b2d8f4a6c0e9b7d5f3a1c8e", "7f3a9c1e5b2d8f4a6c0e9b7d5f3a1c8e"),
        ("https://api.test/v1?x=1&token=FAKE0000abcdEFGH1234&y=2", "FAKE0000abcdEFGH1234"),
        ("Authorization: Bearer abcDEF0123456789ghiJKL0123", "abcDEF0123456789ghiJKL0123"),
    ],
)
def test_high_entropy_value_after_a_secret_name_is_caught(text: str, value: str) -> None:
    assert _kinds(text) == [FindingKind.GENERIC_SECRET]
    assert _spans(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "max_tokens=4096",
        "primary_key=True",
        "sort_key: created_at",
        "cache_key: user-42-report-weekly-v2",
        "password: required",
        "password=${DB_PASSWORD}",
        "password = settings.DATABASE_PASSWORD",
        "api_key: OPENAI_API_KEY",
        "token = get_token(user)",
        "the key: Ctrl+Shift+P",
        "key=value",
    ],
)
def test_ordinary_key_value_pairs_are_not_secrets(text: str) -> None:
    assert scan(text).findings == ()


def test_specific_provider_beats_the_generic_detector_on_the_same_span() -> None:
    key = "sk-" + FAKE + "klmnOPQR"
    assert _kinds(f"OPENAI_API_KEY={key}") == [FindingKind.OPENAI_KEY]


def test_secret_message_says_what_to_do() -> None:
    key = "sk-" + FAKE + "klmnOPQR"
    finding = scan(f"key {key}").findings[0]
    assert finding.replacement == "<API_KEY>"
    assert "<API_KEY>" in finding.message
    assert "revoke" in finding.message
