"""The one cache in the app: each process holds the published content, keyed by its version.

Every request reads the content version (one query by primary key; database triggers bump it in
the same transaction as any content write, ``guidance.publishing.triggers``) and reads the rows
again only when it changed. When the database does not answer, the content held is served.
docs/architecture.md tells the whole walk from a staff save to a citizen's page.
"""

import logging
import time

from django.db import DatabaseError, connection
from django.utils import timezone

from guidance.rules.published import Content, Published, read_published

log = logging.getLogger(__name__)

# After a failure the database is left alone this long, so an outage costs one timeout a second
# a process, not one a request.
RETRY_SECONDS = 1.0

_held: Published | None = None
_now: Content | None = None  # cut from _held for the moment being
_failed_at: float | None = None


def read_version() -> int:
    """The content version, as the database holds it now (0 before the first edit)."""
    # Plain SQL: the ORM's query building costs ten times the query itself here.
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM guidance_contentversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def current_content() -> Content:
    """What citizens see now: the content of the database's current version, or the content
    held while the database does not answer."""
    global _held, _now, _failed_at
    if _held is None or _failed_at is None or time.monotonic() - _failed_at >= RETRY_SECONDS:
        try:
            if _held is None or read_version() != _held.version:
                _held, _now = read_published(), None
        except DatabaseError as error:
            if _held is None:
                raise
            if _failed_at is None:
                log.warning("The database does not answer (%s); serving the content held", error)
            _failed_at = time.monotonic()
        else:
            if _failed_at is not None:
                log.warning("The database answers again; serving its content")
            _failed_at = None
    now = timezone.now()
    if _now is None or not _now.holds_at(now):
        _now = _held.live_at(now)
    return _now


def content_for(request) -> Content:
    """The content ``request`` is answered from: read once, at its first use."""
    if not hasattr(request, "content"):
        request.content = current_content()
    return request.content


def held() -> Published:
    """Every published row, scheduled ones included, as this process holds them now."""
    current_content()
    return _held


def forget() -> None:
    """Drop what this process holds (tests and the benchmark start cold)."""
    global _held, _now, _failed_at
    _held = _now = _failed_at = None
