"""The admin for logins, API tokens and the audit log; every change goes through a service.

- Logins (`User`): Django's UserAdmin is replaced. A login's role is changed only through
  `role_assign` (audited; the admin role is also the staff and superuser flags), deactivation
  through `user_set_active` (audited), a new login through `user_create` (role audited, a person
  linked through `person_link_user`). Groups, permissions, the staff and superuser flags, the
  email (single sign-on matches logins by email) and the password are not editable here.
- Groups are not registered: the five role groups are kept by `roles_sync`.
- API tokens are listed and revoked through `token_revoke` (audited); never added, edited or
  deleted here (`peerwheel token` issues them).
- Audit entries are read-only and cannot be deleted; the author a reveal named is not repeated.
- People (`org.Person`): `people_admin.PersonAdmin`, registered here, links a login through
  `person_link_user` (accounts sits above org: org never imports accounts).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from peerwheel.accounts.models import ApiToken, AuditEntry
from peerwheel.accounts.people_admin import PersonAdmin
from peerwheel.accounts.permissions import role_of
from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import (
    role_assign,
    role_assign_refusal,
    token_revoke,
    user_create,
    user_set_active,
)
from peerwheel.core.admin_base import ReadOnlyAdmin, StrictAdmin
from peerwheel.org.models import Person

ROLE_CHOICES = [("", "— no role —")] + [(r.value, r.value.capitalize()) for r in Role]
#: Audit detail keys never shown in the admin: who an audited reveal named.
HIDDEN_DETAIL_KEYS = frozenset({"author"})


class LoginChangeForm(forms.ModelForm):
    """A login's role and whether it may sign in; saved by the admin through the services."""

    role = forms.ChoiceField(choices=ROLE_CHOICES, required=False)
    actor: User | None = None  # set by LoginAdmin.get_form

    class Meta:
        model = User
        fields = ["is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = role_of(self.instance) if self.instance.pk else None
        self.fields["role"].initial = current.value if current else ""

    def clean_role(self) -> Role | None:
        value = self.cleaned_data["role"]
        current = role_of(self.instance)
        if not value:
            if current is not None:
                raise ValidationError("Choose a role: a login with a role keeps one.")
            return None
        role = Role(value)
        refusal = role_assign_refusal(user=self.instance, role=role)
        if refusal:
            raise ValidationError(refusal)
        return role

    def clean_is_active(self) -> bool:
        active = bool(self.cleaned_data["is_active"])
        current = User.objects.values_list("is_active", flat=True).get(pk=self.instance.pk)
        if current and not active:
            if self.actor is not None and self.actor.pk == self.instance.pk:
                raise ValidationError("You cannot deactivate your own login.")
            if role_assign_refusal(user=self.instance, role=Role.MEMBER):
                raise ValidationError(
                    f"{self.instance.get_username()} is the last active admin; make another "
                    "login an admin first."
                )
        return active


class LoginAddForm(forms.ModelForm):
    """A new login, made by `user_create`: role audited, person linked through the service."""

    role = forms.ChoiceField(choices=ROLE_CHOICES[1:])
    person = forms.CharField(
        required=False, label="Person's employee id", help_text="Link the login to this person."
    )
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput,
        help_text="Leave empty for a login that signs in through single sign-on only.",
    )

    class Meta:
        model = User
        fields = ["username", "email"]

    def clean_person(self) -> str:
        value = self.cleaned_data["person"].strip()
        if value:
            person = Person.objects.filter(employee_id=value).first()
            if person is None:
                raise ValidationError(f"No person has employee id {value!r}.")
            if person.user_id is not None:
                raise ValidationError(f"Person {value!r} already has a login.")
        return value

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if password:
            validate_password(password, User(username=self.data.get("username", "")))
        return password


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(Person, PersonAdmin)  # the people page links logins, so it is registered here


@admin.register(User)
class LoginAdmin(StrictAdmin):
    list_display = ["username", "email", "role", "person", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "email"]
    ordering = ["username"]
    readonly_fields = ["username", "email", "first_name", "last_name", "person", "last_login",
                       "date_joined", "is_staff", "is_superuser"]  # fmt: skip

    @admin.display(description="role")
    def role(self, obj: User) -> str:
        role = role_of(obj)
        return role.value if role else "—"

    @admin.display(description="person")
    def person(self, obj: User) -> str:
        person = getattr(obj, "person", None)
        return person.employee_id if person else "—"

    def get_fields(self, request: HttpRequest, obj: User | None = None) -> list[Any]:
        if obj is None:
            return ["username", "email", "role", "person", "password"]
        return ["username", "email", "role", "is_active", *self.readonly_fields[2:]]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        return [] if obj is None else list(self.readonly_fields)

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        kwargs["form"] = LoginChangeForm if obj is not None else LoginAddForm
        kwargs["fields"] = None
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # deactivate instead: the audit log keeps naming the login

    def save_form(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> User:
        if change:
            return form.instance
        data = form.cleaned_data
        return user_create(
            username=data["username"],
            role=Role(data["role"]),
            email=data.get("email", ""),
            password=data["password"] or None,
            person_employee_id=data["person"] or None,
            actor=request.user,
        )

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            return  # made by user_create in save_form
        actor = request.user
        role = form.cleaned_data.get("role")
        if role is not None and role is not role_of(User.objects.get(pk=obj.pk)):
            role_assign(user=obj, role=role, actor=actor)
        active = form.cleaned_data["is_active"]
        current = User.objects.values_list("is_active", flat=True).get(pk=obj.pk)
        obj.is_active = current
        user_set_active(user=obj, active=active, actor=actor)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        """No many-to-many of a login is edited here (groups go through role_assign)."""


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "user", "name", "created", "expires", "last_used", "revoked"]
    fields = readonly_fields = ("prefix", "user", "name", "created", "expires", "last_used",
                                "revoked")  # fmt: skip
    actions = ["revoke"]

    @admin.action(description="Revoke the selected API tokens (audited)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = list(queryset.select_related("user").filter(revoked__isnull=True))
        for token in tokens:
            token_revoke(token=token, actor=request.user)
        self.message_user(request, f"Revoked {len(tokens)} API token(s).")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created", "actor", "action", "target"]
    list_filter = ["action"]
    fields = readonly_fields = ("created", "actor", "action", "target", "details")

    @admin.display(description="detail")
    def details(self, obj: AuditEntry) -> str:
        detail = obj.detail if isinstance(obj.detail, dict) else {"value": obj.detail}
        shown = [
            (key, "(not repeated here)" if key in HIDDEN_DETAIL_KEYS else value)
            for key, value in sorted(detail.items())
        ]
        return format_html_join("", "<div><b>{}</b>: {}</div>", shown)
