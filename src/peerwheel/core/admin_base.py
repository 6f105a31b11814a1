"""The base of every ModelAdmin: the admin filters only by what its page offers.

Django's admin accepts any lookup on a local foreign key in the changelist's query string, even
one that is not a list filter (`/admin/hub/post/?author__id__exact=86` listed one person's
anonymous posts; `/admin/org/person/?hub_posts=13` named a post's author). `StrictAdmin`
accepts only the lookups of its own `list_filter` and `date_hierarchy`, each followed by
comparison lookups and never by another relation; anything else is a 400 (Django's
DisallowedModelAdminLookup).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

#: What may follow a filter's field in a lookup: the key of a related row and comparisons.
SAFE_SUFFIXES = frozenset(
    {"id", "pk", "exact", "iexact", "in", "isnull", "gt", "gte", "lt", "lte", "range"}
    | {"year", "month", "day", "date"}
)


class StrictAdmin(admin.ModelAdmin):
    """A ModelAdmin whose changelist accepts only the lookups of its own filters."""

    def filter_paths(self, request: HttpRequest | None) -> set[str]:
        paths: set[str] = set()
        filters = self.get_list_filter(request) if request is not None else self.list_filter
        for item in filters:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                paths.add(str(item.parameter_name))
            elif isinstance(item, (list, tuple)):
                paths.add(str(item[0]))
            else:
                paths.add(str(item))
        if self.date_hierarchy:
            paths.add(self.date_hierarchy)
        return paths

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest | None = None) -> bool:
        for path in self.filter_paths(request):
            if lookup == path:
                return True
            prefix = path + LOOKUP_SEP
            if lookup.startswith(prefix):
                rest = lookup[len(prefix) :].split(LOOKUP_SEP)
                if set(rest) <= SAFE_SUFFIXES:
                    return True
        return False


class ReadOnlyAdmin(StrictAdmin):
    """Shown, never added, changed or deleted from the admin (writes go through services)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
