"""The admin: confidential terms are edited here; posts are shown, never changed or deleted.

Posts are listed without their authors, and the changelist accepts no lookup but its own
filters (StrictAdmin), so an anonymous author is only ever revealed through the hub's audited
reveal. A post is deleted only through `hub.services.post_delete` (a soft delete, audited when a
moderator does it): the admin's hard delete and its bulk delete action are gone.
"""

from __future__ import annotations

from django.contrib import admin

from peerwheel.core.admin_base import ReadOnlyAdmin, StrictAdmin
from peerwheel.hub.models import ConfidentialTerm, Post


@admin.register(ConfidentialTerm)
class ConfidentialTermAdmin(StrictAdmin):
    list_display = ["term", "note", "created"]
    search_fields = ["term", "note"]


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    """Read-only and authorless: writes go through the hub's services."""

    list_display = ["id", "kind", "title", "anonymous", "created", "deleted"]
    list_filter = ["kind", "anonymous"]
    search_fields = ["title"]
    fields = ("kind", "title", "body", "prompt_text", "tool", "task", "anonymous", "created",
              "deleted")  # fmt: skip
    readonly_fields = fields
