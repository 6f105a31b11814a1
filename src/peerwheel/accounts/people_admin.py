"""The admin's people page (`org.Person`), registered by `accounts/admin.py`.

It lives in accounts, not org, because a person's login is linked only through
`accounts.services.person_link_user` (audited, never the admin's own login, the person told by
email): `user` is read-only here and the form's "login" field is saved through that service.
accounts sits above org (org never imports accounts), so the page that links the two is here.
People are not deleted from the admin: a person's delete page would list their hub posts,
anonymous ones included (and the posts protect them).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from peerwheel.accounts.services import person_link_refusal, person_link_user
from peerwheel.core.admin_base import StrictAdmin
from peerwheel.org.models import Person


class PersonForm(forms.ModelForm):
    login = forms.ModelChoiceField(
        queryset=User.objects.order_by("username"),
        required=False,
        help_text=(
            "The login that sees this person's own usage and survey. Changing it is audited "
            "and emailed to the person; your own login cannot be linked here."
        ),
    )
    actor: User | None = None  # set by PersonAdmin.get_form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].initial = self.instance.user_id

    def clean_login(self) -> User | None:
        user = self.cleaned_data["login"]
        if self.instance.pk is None:
            person = Person(user=None)
        else:
            person = Person.objects.get(pk=self.instance.pk)
        if (user.pk if user else None) != person.user_id:
            refusal = person_link_refusal(person=person, user=user, actor=self.actor)
            if refusal:
                raise ValidationError(refusal[0].upper() + refusal[1:] + ".")
        return user


class PersonAdmin(StrictAdmin):
    form = PersonForm
    list_display = [
        "employee_id",
        "name",
        "email",
        "department",
        "team",
        "site",
        "role_family",
        "active",
        "left_on",
    ]
    list_filter = ["active", "department", "site", "role_family", "is_leader"]
    search_fields = ["employee_id", "name", "email"]
    raw_id_fields = ["manager", "team"]
    readonly_fields = ["user", "active", "left_on", "created", "updated"]  # leavers: HR import
    list_select_related = ["department", "team", "site"]

    def get_form(
        self, request: HttpRequest, obj: Person | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(
        self, request: HttpRequest, obj: Person, form: forms.ModelForm, change: bool
    ) -> None:
        if change:  # never `user`: only person_link_user writes it
            keep = {"id", "user", "created"}
            obj.save(
                update_fields=[f.name for f in Person._meta.concrete_fields if f.name not in keep]
            )
        else:
            obj.save()
        if "login" in form.cleaned_data:
            person_link_user(person=obj, user=form.cleaned_data["login"], actor=request.user)
            obj.refresh_from_db(fields=["user"])

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
