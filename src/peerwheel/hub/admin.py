"""The admin: confidential terms are edited here. Posts are listed without their authors, so an
anonymous author is only ever revealed through the hub's audited reveal."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from peerwheel.hub.models import ConfidentialTerm, Post


@admin.register(ConfidentialTerm)
class ConfidentialTermAdmin(admin.ModelAdmin):
    list_display = ["term", "note", "created"]
    search_fields = ["term", "note"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read-only and authorless: writes go through the hub's services."""

    list_display = ["id", "kind", "title", "anonymous", "created", "deleted"]
    list_filter = ["kind", "anonymous"]
    search_fields = ["title"]
    fields = ("kind", "title", "body", "prompt_text", "tool", "task", "anonymous", "created",
              "deleted")  # fmt: skip
    readonly_fields = ("kind", "title", "body", "prompt_text", "tool", "task", "anonymous",
                       "created", "deleted")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
