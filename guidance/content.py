"""The published guidance, loaded once and kept until staff change it.

The milestones, ways to get MitID and self-services are a few dozen rows. Every process keeps one
snapshot of them in memory and reuses it while the *content version* is unchanged. The version is
a fingerprint of the tables, kept in the cache: a save or delete anywhere records the new one
(signals below), so with a shared cache (Redis) every process and instance sees an edit on its
next request. With a per-process cache (local memory) the version is trusted for a few seconds
only and then read again from the database, so other processes catch up within that time.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from guidance.advice import Advice, VisitorSituation, advice_on
from guidance.models import EnrollmentOption, Milestone, Requirement, SelfService

VERSION_KEY = "guidance:content-version"
LOCAL_VERSION_SECONDS = 2
CONTENT_MODELS = (Milestone, EnrollmentOption, Requirement, SelfService)


@dataclass(frozen=True)
class Content:
    """Everything published, ordered as it is shown."""

    version: str
    changed_at: datetime  # the last edit, addition or removal of any row (Last-Modified)
    milestones: tuple[Milestone, ...]
    options: tuple[EnrollmentOption, ...]
    self_services: tuple[SelfService, ...]


_snapshot: Content | None = None


def cache_is_shared() -> bool:
    """Whether the cache is one all processes see (Redis, memcached, database)."""
    # `cache` is a proxy; the backend itself says what kind of cache it is.
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def database_version() -> str:
    """A fingerprint of the content tables: it changes when a row is added, edited or removed."""
    parts = []
    for model in CONTENT_MODELS:
        row = model.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
        parts.append(f"{row['n']}@{row['last'].timestamp() if row['last'] else 0}")
    return "/".join(parts)


def last_change() -> datetime:
    """When the guidance last changed: the latest save of any row (published or not) or entry in
    its history (which also records removals)."""
    latest = [datetime.fromtimestamp(0, UTC)]
    for model in CONTENT_MODELS:
        latest.append(model.objects.aggregate(last=Max("updated_at"))["last"])
        latest.append(model.history.aggregate(last=Max("history_date"))["last"])
    return max(moment for moment in latest if moment is not None)


def version_timeout() -> int | None:
    """How long the version is trusted: for ever in a shared cache, a moment in a local one."""
    return None if cache_is_shared() else LOCAL_VERSION_SECONDS


def content_version() -> str:
    """The current content version, read from the cache (and the database when it has none)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = database_version()
        # add, not set: a version written after a commit must win over one read before it.
        cache.add(VERSION_KEY, version, version_timeout())
    return version


def current_content() -> Content:
    """The published guidance for this request: no database query while nothing changed."""
    global _snapshot
    version = content_version()
    if _snapshot is None or _snapshot.version != version:
        _snapshot = Content(
            version=version,
            changed_at=last_change(),
            milestones=tuple(Milestone.objects.filter(published=True).order_by("date")),
            options=tuple(
                EnrollmentOption.objects.filter(published=True).prefetch_related("requirements")
            ),
            self_services=tuple(SelfService.objects.filter(published=True)),
        )
    return _snapshot


def current_advice(day: date, audience: str, situation: VisitorSituation) -> Advice:
    """The advice for a day, audience and situation, from the published guidance."""
    content = current_content()
    return advice_on(
        day,
        audience,
        situation,
        milestones=content.milestones,
        options=content.options,
        self_services=content.self_services,
    )


def content_changed() -> None:
    """Record the new content version, so the next request in any process reloads the content."""
    cache.set(VERSION_KEY, database_version(), version_timeout())


def forget_cached_content() -> None:
    """Drop this process's snapshot and the stored version (tests and benchmarks start cold)."""
    global _snapshot
    _snapshot = None
    cache.delete(VERSION_KEY)


# Signals fire inside the saving transaction; the new version is read once it is committed, so
# another process never records the old data under a version it believes is new.
@receiver(post_save)
@receiver(post_delete)
def _content_saved_or_deleted(sender, **kwargs) -> None:
    if sender in CONTENT_MODELS:
        transaction.on_commit(content_changed)


@receiver(m2m_changed, sender=EnrollmentOption.requirements.through)
def _requirements_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):  # pre_* signals come before anything changed
        transaction.on_commit(content_changed)
