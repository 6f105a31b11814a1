from django.contrib import admin

from peerwheel.org.models import Department, Person, Site, Team


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["employee_id", "name", "email", "department", "team", "site", "role_family"]
    list_filter = ["department", "site", "role_family", "is_leader"]
    search_fields = ["employee_id", "name", "email"]
    raw_id_fields = ["manager", "user", "team"]
    list_select_related = ["department", "team", "site"]


admin.site.register(Department)
admin.site.register(Site)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "department"]
    list_select_related = ["department"]
