"""Identity map: external ids (email, UPN, login, opaque) to employee ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerwheel.engine.usage_formats import UsageFileError, detect_format, identity_map
from peerwheel.engine.usage_formats.identity_map import IdKind


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "identities.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    return path


def test_ids_of_every_kind_map_to_employees(tmp_path: Path) -> None:
    text = (
        "Email,Employee ID,Source\n"
        "Ana.Lima@Contoso.com,E001,m365\n"
        "octocat,E002,github\n"
        "DC8C64D6EC3A3AA17481D7E5EB5B68A6,E003,m365\n"
        "bf361ad4-fc29-432f-95f3-837e689f4ac4,E004,viva\n"
    )
    path = write(tmp_path, text)
    assert detect_format(path) == "identity-map"
    rows = list(identity_map.parse(path).records)
    assert [(r.external_id, r.employee_id, r.kind, r.source) for r in rows] == [
        ("ana.lima@contoso.com", "E001", IdKind.EMAIL, "m365"),
        ("octocat", "E002", IdKind.LOGIN, "github"),
        ("DC8C64D6EC3A3AA17481D7E5EB5B68A6", "E003", IdKind.ANONYMISED, "m365"),
        ("bf361ad4-fc29-432f-95f3-837e689f4ac4", "E004", IdKind.OPAQUE, "viva"),
    ]


def test_an_id_mapped_twice_is_an_error_naming_both_employees(tmp_path: Path) -> None:
    path = write(tmp_path, "upn,employee_id\nana@x.com,E1\nben@x.com,E2\nANA@x.com,E9\n")
    with pytest.raises(UsageFileError, match="'E1' there, 'E9' here") as error:
        list(identity_map.parse(path).records)
    assert error.value.line == 4


def test_the_same_login_in_two_systems_is_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, "login,employee,system\nana,E1,github\nana,E1,slack\n")
    assert len(list(identity_map.parse(path).records)) == 2


def test_missing_columns_and_empty_values_are_named(tmp_path: Path) -> None:
    with pytest.raises(UsageFileError, match="'employee_number'"):
        identity_map.parse(write(tmp_path, "email,name\nana@x.com,Ana\n"))
    path = write(tmp_path, 'email,employee_id\n"ana@x.com",\n')
    with pytest.raises(UsageFileError, match="is empty") as error:
        list(identity_map.parse(path).records)
    assert (error.value.line, error.value.column) == (2, "employee_id")
