from django.contrib import admin

from peerwheel.core.admin_base import StrictAdmin
from peerwheel.simulate.models import SimulationRun


@admin.register(SimulationRun)
class SimulationRunAdmin(StrictAdmin):
    list_display = ["title", "status", "progress", "seed", "created_by", "created"]
    list_filter = ["status"]
    readonly_fields = ["result", "parameters"]
