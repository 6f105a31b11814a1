"""The admin for departments, sites and teams (people: `accounts/people_admin.py`, where a
person's login is linked through `accounts.services.person_link_user`)."""

from __future__ import annotations

from django.contrib import admin

from peerwheel.core.admin_base import StrictAdmin
from peerwheel.org.models import Department, Site, Team


@admin.register(Department)
class DepartmentAdmin(StrictAdmin):
    search_fields = ["name"]


@admin.register(Site)
class SiteAdmin(StrictAdmin):
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(StrictAdmin):
    list_display = ["name", "department"]
    list_select_related = ["department"]
