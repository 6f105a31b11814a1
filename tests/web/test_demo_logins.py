"""The demo's printed logins say that the username is the role word (issue 17)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User

from peerwheel.demo import DEMO_PASSWORD
from peerwheel.org.models import Person
from peerwheel.web.management.commands.demo import Command

pytestmark = pytest.mark.django_db


def test_the_logins_say_the_username_is_the_role(cast: dict[str, User]) -> None:
    User.objects.filter(username="carol").update(username="lead")  # carol is a lead
    out = StringIO()
    Command(stdout=out)._print_logins({"host": "127.0.0.1", "port": 8000, "no_serve": True})
    text = out.getvalue()
    assert (
        f"Demo logins (password for all: {DEMO_PASSWORD}): the username is the role word; "
        "beside it, the person it signs in as."
    ) in text
    assert re.search(r"^  username  signs in as$", text, re.MULTILINE)
    carol = Person.objects.get(user__username="lead")
    assert re.search(rf"^  lead      {carol.display_name}, ", text, re.MULTILINE)
    assert re.search(r"^  member\s*$", text, re.MULTILINE)  # no login named member here
