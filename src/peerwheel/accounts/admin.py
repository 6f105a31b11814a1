from django.contrib import admin

from peerwheel.accounts.models import ApiToken, AuditEntry


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created", "last_used", "revoked"]
    readonly_fields = ["prefix", "digest", "created", "last_used"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created", "actor", "action", "target"]
    list_filter = ["action"]
    readonly_fields = ["created", "actor", "action", "target", "detail"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
