from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "peerwheel.notifications"
    label = "notifications"
    verbose_name = "Notifications and follows"
