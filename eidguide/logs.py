"""One JSON object a line on standard output, each carrying the request id: the edge's
``X-Request-ID`` when it sent a sound one, else one made here, so one request can be followed from
the edge's access log through the app's log to gunicorn's.
"""

import os
import re
from contextvars import ContextVar
from logging import Filter, LogRecord
from typing import Any

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; other proxies send UUIDs. Anything else is replaced,
# so a client cannot write arbitrary text into the log.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
FIELDS = "%(levelname)s %(name)s %(message)s"
RENAMED = {"levelname": "level", "name": "logger"}

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


def request_id_from(header: str | None) -> str:
    """The id to follow a request by: the one the edge sent when it is sound, else a new one."""
    if header and VALID_REQUEST_ID.fullmatch(header):
        return header
    return os.urandom(16).hex()  # 32 hex digits, as nginx's; a quarter of uuid4's cost


class RequestIdFilter(Filter):
    """Adds the id of the request being served (or none) to every record."""

    def filter(self, record: LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter with our field names, for Django's and gunicorn's logs.

    A gunicorn access record carries the request's facts as a dict in ``record.args``; they become
    fields of their own (method, path, status, duration, request id...).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", RENAMED)
        super().__init__(*args or (FIELDS,), **kwargs)

    def add_fields(self, log_data: dict[str, Any], record: LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        # Django's request logger passes the request object along: not a field for the log.
        log_data.pop("request", None)
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            log_data.update(access_fields(record.args))


def _atom(atoms: dict, key: str) -> str | None:
    value = atoms.get(key)
    if value in (None, "-"):
        return None
    # gunicorn escapes double quotes for its own text format; JSON escapes them again.
    return str(value).replace('\\"', '"')


def access_fields(atoms: dict) -> dict[str, Any]:
    """The fields of one access-log line, from gunicorn's atoms."""
    status = _atom(atoms, "s")
    sent = atoms.get("B")
    return {
        "request_id": _atom(atoms, "{x-request-id}o") or _atom(atoms, "{x-request-id}i"),
        "method": _atom(atoms, "m"),
        "path": _atom(atoms, "U"),
        "query": _atom(atoms, "q"),
        "status": int(status) if status and status.isdigit() else status,
        "bytes": sent if isinstance(sent, int) else None,
        "duration_ms": round(atoms["D"] / 1000, 3) if isinstance(atoms.get("D"), int) else None,
        "remote_addr": _atom(atoms, "h"),
        "forwarded_for": _atom(atoms, "{x-forwarded-for}i"),
        "user_agent": _atom(atoms, "a"),
    }


class SkipScrapes(Filter):
    """Prometheus scraping /metrics every few seconds is noise in the access log."""

    def filter(self, record: LogRecord) -> bool:
        return "GET /metrics " not in record.getMessage()
