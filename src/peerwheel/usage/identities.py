"""Matching the ids AI tools use (emails, UPNs, logins, opaque ids) to people.

The order: an explicit `IdentityLink` (from an identity map) first, then a person's employee id,
then a person's email (compared without case). An id that matches no one is kept on its records
as an unmatched external id; `usage_relink` links those records once an identity map (or an HR
file with the email) arrives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from peerwheel.org.models import Person
from peerwheel.usage.models import IdentityKind, IdentityLink

NO_PERSON = -1
_CASELESS_KINDS = frozenset({IdentityKind.EMAIL, IdentityKind.UPN, IdentityKind.LOGIN})
#: A pseudonymised id: a GUID (Viva's hashed PersonId) or a hex hash of 32 or 64 characters.
_PSEUDONYM = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}|[0-9a-f]{64}",
    re.IGNORECASE,
)


def is_pseudonymous(external_id: str) -> bool:
    """Whether an id is a pseudonym (a GUID or a hex hash) that names no one by itself."""
    return _PSEUDONYM.fullmatch(external_id.strip()) is not None


def normalise_identity(value: str, kind: str | None = None) -> str:
    """Emails, UPNs and logins compare without case; opaque ids and employee ids exactly."""
    text = value.strip()
    if "@" in text or kind in _CASELESS_KINDS:
        return text.lower()
    return text


@dataclass(frozen=True)
class IdentityIndex:
    """Every known id → person id, loaded in three queries."""

    exact: dict[str, int]
    caseless: dict[str, int]

    @classmethod
    def load(cls) -> IdentityIndex:
        exact: dict[str, int] = {}
        caseless: dict[str, int] = {}
        for email, person_id in Person.objects.exclude(email="").values_list("email", "id"):
            caseless.setdefault(email.lower(), person_id)
        for employee_id, person_id in Person.objects.values_list("employee_id", "id"):
            exact[employee_id] = person_id
        for kind, value, person_id in IdentityLink.objects.values_list("kind", "value", "person"):
            if kind in _CASELESS_KINDS:
                caseless[value.lower()] = person_id  # a link beats a person's own email
            else:
                exact[value] = person_id
        return cls(exact=exact, caseless=caseless)

    def person_for(self, external_id: str) -> int | None:
        text = external_id.strip()
        found = self.exact.get(text)
        if found is None:
            found = self.caseless.get(text.lower())
        return found

    def match(self, external_ids: Iterable[str]) -> npt.NDArray[np.int64]:
        """Person id per external id (NO_PERSON when unmatched), computed once per distinct id."""
        codes, uniques = pd.factorize(pd.Series(list(external_ids), dtype=object))
        per_unique = np.fromiter(
            (self.person_for(str(u)) or NO_PERSON for u in uniques),
            dtype=np.int64,
            count=len(uniques),
        )
        return per_unique[codes] if len(codes) else np.zeros(0, dtype=np.int64)
