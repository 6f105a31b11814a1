"""Admin: instrument versions and waves, read-only. Responses and participations are not
registered on purpose: no admin page may list answers beside the people who gave them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from peerwheel.study.models import InstrumentVersion, SurveyWave


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(_ReadOnly):
    list_display = ["instrument_key", "version", "created", "note"]


@admin.register(SurveyWave)
class SurveyWaveAdmin(_ReadOnly):
    list_display = ["name", "source", "status", "opens", "closes", "invited"]
    list_filter = ["status", "source"]
