from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "peerwheel.web"
    verbose_name = "Web pages"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from peerwheel.web.lockout import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="peerwheel-login-lockout")
