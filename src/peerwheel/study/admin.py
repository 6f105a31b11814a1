"""Admin: instrument versions and waves, read-only and never deleted here (a wave's delete page
would list its participations and responses). Responses and participations are not registered
on purpose: no admin page may list answers beside the people who gave them."""

from __future__ import annotations

from django.contrib import admin

from peerwheel.core.admin_base import ReadOnlyAdmin
from peerwheel.study.models import InstrumentVersion, SurveyWave


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(ReadOnlyAdmin):
    list_display = ["instrument_key", "version", "created", "note"]


@admin.register(SurveyWave)
class SurveyWaveAdmin(ReadOnlyAdmin):
    list_display = ["name", "source", "status", "opens", "closes", "invited"]
    list_filter = ["status", "source"]
