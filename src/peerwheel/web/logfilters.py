"""Logging filters (settings.LOGGING)."""

from __future__ import annotations

import logging


class OneLineClientErrors(logging.Filter):
    """A refused request (a 4xx: 403 Permission denied, 404) is logged as one line.

    Django logs PermissionDenied on `django.request` at WARNING with the exception attached, so
    every refused request printed a traceback, as if it were a bug. The exception's own message
    is kept on the line; its traceback is dropped. 5xx records are left as they are.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            exception = record.exc_info[1]
            reason = str(exception) if exception is not None else ""
            if reason:
                record.msg = f"{record.msg} (%s)"
                record.args = (*(record.args or ()), reason)
            record.exc_info = None
            record.exc_text = None
        return True
