from django.contrib import admin

from peerwheel.simulate.models import SimulationRun


@admin.register(SimulationRun)
class SimulationRunAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "progress", "seed", "created_by", "created"]
    list_filter = ["status"]
    readonly_fields = ["result", "parameters"]
