"""Sending: once per person and week, dry runs that touch nothing, failures retried, the
Slack webhook failing without stopping the email, the command's bad input."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.test import Client

from peerwheel.digest.models import DigestChannel, DigestSend, DigestSubscription
from peerwheel.digest.services import digest_send, digest_subscription_set
from tests.digest.conftest import WEEK, Scene

#: everyone in the cast has an email: the boss and six others
EVERYONE = 7


def test_everyone_gets_the_week_once_and_a_second_run_sends_nothing(scene: Scene) -> None:
    first = digest_send(WEEK)
    assert (first.people, first.sent, first.empty, first.failed) == (EVERYONE, EVERYONE, 0, 0)
    assert len(mail.outbox) == EVERYONE
    assert DigestSend.objects.filter(week="2026-W10", channel=DigestChannel.EMAIL).count() == 7
    again = digest_send(WEEK)
    assert (again.sent, again.already_sent) == (0, EVERYONE)
    assert len(mail.outbox) == EVERYONE
    assert DigestSend.objects.count() == EVERYONE


def test_each_email_is_that_persons_digest_with_html_text_and_unsubscribe(scene: Scene) -> None:
    digest_send(WEEK)
    message = next(m for m in mail.outbox if m.to == ["alice@example.com"])
    assert message.subject.startswith("Your Peerwheel digest for the week of 2 March 2026: 3 ")
    html = message.alternatives[0]
    assert html.mimetype == "text/html"
    assert "Erin&#x27;s win" in html.content and "Erin's win" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"<(http://[^>]+)>", message.extra_headers["List-Unsubscribe"])
    assert link is not None and link[1] in message.body and link[1] in html.content
    assert "http://127.0.0.1:8000/hub/posts/" in message.body


def test_a_dry_run_sends_nothing_and_writes_nothing(scene: Scene) -> None:
    run = digest_send(WEEK, dry_run=True)
    assert (run.sent, run.dry_run) == (EVERYONE, True)
    assert mail.outbox == []
    assert DigestSend.objects.count() == 0
    assert DigestSubscription.objects.count() == 0


def test_unsubscribed_people_leavers_and_people_without_email_get_nothing(scene: Scene) -> None:
    org = scene.org
    digest_subscription_set(person=org["alice"], email=False)
    org["bob"].active = False
    org["bob"].save()
    org["carol"].email = ""
    org["carol"].save()
    run = digest_send(WEEK)
    assert run.people == EVERYONE - 3
    sent_to = {address for message in mail.outbox for address in message.to}
    assert sent_to.isdisjoint({"alice@example.com", "bob@example.com", "carol@example.com"})


class FailingFor(EmailBackend):
    """The locmem backend, refusing one address the way an SMTP server would."""

    def __init__(self, refuse: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refuse = refuse

    def send_messages(self, messages: Any) -> int:
        if any(self.refuse in m.to for m in messages):
            raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


def test_a_failed_email_is_retried_by_the_next_run_and_nothing_goes_twice(scene: Scene) -> None:
    run = digest_send(WEEK, connection=FailingFor("dan@example.com"))
    assert (run.sent, run.failed) == (EVERYONE - 1, 1)
    assert not DigestSend.objects.filter(person=scene.org["dan"]).exists()
    retry = digest_send(WEEK)
    assert (retry.sent, retry.already_sent) == (1, EVERYONE - 1)
    assert [m.to for m in mail.outbox].count(["dan@example.com"]) == 1
    assert len(mail.outbox) == EVERYONE


# --- the Slack webhook: a local server ---------------------------------------------------------

SECRET_PATH = "/services/T000/B000/s3cr3t-token"


class Webhook:
    """A local incoming webhook answering `status`, or sleeping `delay` seconds first."""

    def __init__(self) -> None:
        self.status, self.delay, self.bodies = 200, 0.0, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hook.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(hook.delay)
                try:
                    self.send_response(hook.status)
                    self.end_headers()
                    self.wfile.write(b"ok" if hook.status == 200 else b"internal_error")
                except BrokenPipeError:  # the client gave up waiting (the timeout test)
                    return

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{SECRET_PATH}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def webhook(settings: Any) -> Iterator[Webhook]:
    hook = Webhook()
    settings.PEERWHEEL_DIGEST_SLACK_WEBHOOK_URL = hook.url
    settings.PEERWHEEL_DIGEST_SLACK_TIMEOUT = 1
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def test_a_webhook_answering_500_still_emails_logs_and_posts_on_the_retry(
    scene: Scene, webhook: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    webhook.status = 500
    run = digest_send(WEEK)
    assert (run.slack, run.sent) == ("failed", EVERYONE)
    assert len(mail.outbox) == EVERYONE
    assert "the Slack channel post failed (the webhook answered HTTP 500)" in caplog.text
    assert "s3cr3t" not in caplog.text and not any("s3cr3t" in f for f in run.failures)
    assert not DigestSend.objects.filter(channel=DigestChannel.SLACK).exists()

    webhook.status = 200
    retry = digest_send(WEEK)
    assert (retry.slack, retry.sent) == ("posted", 0)  # the emails are not sent twice
    assert digest_send(WEEK).slack == "already posted"
    assert len(webhook.bodies) == 2  # the failed post and the one that went: never a third
    posted = webhook.bodies[-1].decode()
    assert "Carol&#x27;s win" in posted or "Carol's win" in posted
    assert "Just for you" not in posted and "Anonymous fail" in posted
    assert "Bob Brown" not in posted


def test_a_webhook_that_times_out_still_emails(
    scene: Scene, webhook: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    webhook.delay = 2.5  # past the 1-second timeout
    started = time.monotonic()
    run = digest_send(WEEK)
    assert time.monotonic() - started < 10  # no retry loop
    assert (run.slack, run.sent) == ("failed", EVERYONE)
    assert "Slack channel post failed (TimeoutError" in caplog.text
    assert "s3cr3t" not in caplog.text
    assert not DigestSend.objects.filter(channel=DigestChannel.SLACK).exists()


def test_a_dry_run_posts_nothing_to_slack(scene: Scene, webhook: Webhook) -> None:
    assert digest_send(WEEK, dry_run=True).slack == "dry run"
    assert webhook.bodies == []


# --- unsubscribing -----------------------------------------------------------------------------


def _unsubscribe_path(scene: Scene, who: str) -> str:
    digest_send(WEEK)
    message = next(m for m in mail.outbox if m.to == [f"{who}@example.com"])
    link = re.search(r"<http://[^/]+(/[^>]+)>", message.extra_headers["List-Unsubscribe"])
    assert link is not None
    return link[1]


def test_the_link_asks_first_and_a_post_unsubscribes(scene: Scene) -> None:
    path = _unsubscribe_path(scene, "dan")
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200 and "<button" in page.content.decode()
    assert not DigestSubscription.objects.exists()  # a GET (a link scanner) changes nothing
    done = client.post(path)
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    choice = DigestSubscription.objects.get(person=scene.org["dan"])
    assert (choice.email, choice.unsubscribed_at is not None) == (False, True)
    mail.outbox.clear()
    DigestSend.objects.all().delete()
    digest_send(WEEK)
    assert ["dan@example.com"] not in [m.to for m in mail.outbox]


def test_a_mail_clients_one_click_post_unsubscribes(scene: Scene) -> None:
    path = _unsubscribe_path(scene, "erin")
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert DigestSubscription.objects.get(person=scene.org["erin"]).email is False


def test_an_altered_link_is_refused(scene: Scene) -> None:
    path = _unsubscribe_path(scene, "erin")
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    for method in ("get", "post"):
        response = getattr(Client(), method)(forged)
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_a_link_for_someone_who_no_longer_exists_is_404(scene: Scene) -> None:
    from peerwheel.digest.links import unsubscribe_token

    assert Client().get(f"/digest/unsubscribe/{unsubscribe_token(99999)}/").status_code == 404


# --- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-W60", "'2026-W60': the ISO weeks of 2026 run from 2026-W01 to 2026-W53"),
        ("2026-03-02", "'2026-03-02' is not an ISO week; write it as YYYY-Www, e.g. 2026-W10"),
        ("2999-W01", "2999-W01: that week has not started yet"),
    ],
)
def test_a_bad_week_is_a_clear_error(scene: Scene, week: str, message: str) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("digest", "send", "--week", week)
    assert DigestSend.objects.count() == 0


def test_the_command_sends_and_says_so(scene: Scene, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("digest", "send", "--week", "2026-W10", "--dry-run")
    assert "digest 2026-W10 (dry run: nothing sent or recorded): would send 7 of 7" in (
        capsys.readouterr().out
    )
    assert mail.outbox == []
    call_command("digest", "send", "--week", "2026-W10")
    out = capsys.readouterr().out
    assert "digest 2026-W10: sent 7 of 7 people" in out
    call_command("digest", "send", "--week", "2026-W10")
    assert "already sent earlier: 7" in capsys.readouterr().out
    assert len(mail.outbox) == EVERYONE
