"""Log lines: the request's id on each, and one JSON object per line when GRAPPE_LOG_FORMAT=json.

Pure (no Django): settings.LOGGING names these classes; grappe/core/middleware.py's RequestIdMiddleware
sets the id for the time of a request. The id is the proxy's X-Request-ID when it sent a sane one
(Caddy and nginx can add one), else a new random one; it is sent back in the response's X-Request-ID,
so that a line of the proxy's log, of Grappe's and an error e-mail can be matched.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from contextvars import ContextVar
from datetime import UTC, datetime

REQUEST_ID: ContextVar[str] = ContextVar("grappe_request_id", default="-")
SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_from(header: str | None) -> str:
    """The proxy's id if it looks like one (never a line break or a long string into the logs), else a new one."""
    if header and SANE_ID.fullmatch(header):
        return header
    return secrets.token_hex(8)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: timers, the worker)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, and when there
    are some: status and path (Django's request records), exception (the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        path = getattr(getattr(record, "request", None), "path", None)
        if isinstance(path, str):
            line["path"] = path
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)
