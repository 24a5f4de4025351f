"""The published guidance, loaded once and kept until staff change it.

What it keeps, in each process: ``Loaded``, every published row (milestones, ways to get MitID
with their requirements, self-services, and the change notes about rows citizens see), scheduled
ones included, as the database held them at one content version; and the ``Content`` live at a
moment, cut from it (``Loaded.live_at``). A few dozen rows, held so that a request reads no table
but, now and then, the version.

Their keys: ``Loaded`` is kept for one *content version*, the number in ``ContentVersion``, which a
trigger bumps in the same transaction as any change to a content table, so no write can bypass
it. ``Content.key`` is that version and the latest scheduled moment already passed
(``live_since``): it names what citizens see, for the caches of answers built from it (the
response cache, ``{% memo %}``).

What ends them: ``Loaded`` is read again when ``content_version()`` gives another number than its
own. That number comes from the shared cache (Redis) at every ``current_content()``, where the
process that saved an edit publishes it at commit (``VERSION_KEY``, kept
``VERSION_CACHE_SECONDS``), and from the database at most every ``VERSION_CHECK_SECONDS``: every
process and instance sees an edit on its next request, or within that interval when the cache
missed it (or there is no shared cache). The ``Content`` ends with the ``Loaded`` it was cut
from, at ``valid_until`` (the next scheduled moment, from memory, no query), and when the clock
reads before its ``live_since`` (tests travel in time). ``forget_cached_content()`` drops both
and the version (tests, the benchmark).

Reads fail open: when the cache or the database does not answer, a process keeps serving the
snapshot it holds, logs one warning for the outage (not one a request), leaves the failed service
alone for ``RETRY_SECONDS`` and then tries again. Writes fail safe: the version is committed with
the edit, so an edit the cache missed still reaches every process at its next database check, and
the first process to see the cache again puts the newest version back there.
"""

import contextlib
import copy
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from guidance.models import (
    ChangeNote,
    ContentVersion,
    EnrollmentOption,
    Milestone,
    Requirement,
    SelfService,
)

log = logging.getLogger(__name__)

# ":db" since the version is the database's number (older releases kept a fingerprint string).
VERSION_KEY = "guidance:content-version:db"
# How often a process asks the database for the version: the longest an edit can take to show
# when the cache missed it (or there is no shared cache).
VERSION_CHECK_SECONDS = 2
# How long the shared cache keeps a version; the database holds it for good.
VERSION_CACHE_SECONDS = 60
# After a failure a service is left alone this long, so an outage costs one timeout a process
# per interval, not one a request.
RETRY_SECONDS = 1
CONTENT_MODELS = (Milestone, EnrollmentOption, Requirement, SelfService, ChangeNote)
NEVER = datetime.fromtimestamp(0, UTC)  # changed_at of a database without a version row


@dataclass(frozen=True)
class Loaded:
    """Every published row as the database holds it at one version, scheduled ones included."""

    version: int
    changed_at: datetime  # when the content last changed (aware; from the version's row)
    milestones: tuple[Milestone, ...]
    options: tuple[EnrollmentOption, ...]
    self_services: tuple[SelfService, ...]
    notes: tuple[ChangeNote, ...]
    moments: tuple[datetime, ...]  # every "publish from" and note moment, sorted

    def live_at(self, now: datetime) -> "Content":
        """What citizens see at ``now``: rows whose "publish from" has come, and until when."""
        passed = [moment for moment in self.moments if moment <= now]
        ahead = [moment for moment in self.moments if moment > now]
        live_since = passed[-1] if passed else NEVER
        return Content(
            version=self.version,
            live_since=live_since,
            changed_at=max(self.changed_at, live_since),
            valid_until=ahead[0] if ahead else None,
            milestones=tuple(row for row in self.milestones if is_live(row, now)),
            options=tuple(
                with_live_requirements(row, now) for row in self.options if is_live(row, now)
            ),
            self_services=tuple(row for row in self.self_services if is_live(row, now)),
            notes=tuple(note for note in self.notes if note.published_at <= now),
        )


@dataclass(frozen=True)
class Content:
    """What citizens see at one moment, ordered as it is shown.

    It holds until ``valid_until``, the next scheduled moment (None: no change is scheduled).
    Every cache of an answer built from it ends its life then; ``key`` names it for those caches.
    """

    version: int  # the database's content version it was loaded at
    live_since: datetime  # the latest scheduled moment already passed (NEVER if none)
    changed_at: datetime  # when what citizens see last changed: an edit, or a scheduled moment
    valid_until: datetime | None
    milestones: tuple[Milestone, ...]
    options: tuple[EnrollmentOption, ...]
    self_services: tuple[SelfService, ...]
    notes: tuple[ChangeNote, ...]  # public change notes, newest first

    @property
    def key(self) -> tuple[int, datetime]:
        """Changes whenever what citizens see changes: by an edit, or at a scheduled moment."""
        return (self.version, self.live_since)


def is_live(row, now: datetime) -> bool:
    """Whether citizens see ``row`` at ``now``: published (rows without the flag always are) and
    its "publish from" moment, if any, has come."""
    return getattr(row, "published", True) and (row.publish_from is None or row.publish_from <= now)


def with_live_requirements(option: EnrollmentOption, now: datetime) -> EnrollmentOption:
    """``option`` with only the requirements live at ``now`` (itself when all of them are)."""
    requirements = list(option.requirements.all())
    live = [row for row in requirements if is_live(row, now)]
    if len(live) == len(requirements):
        return option
    shown = copy.copy(option)
    _set_requirements(shown, live)
    return shown


class Service:
    """A backing service as this process sees it: up, or down since a moment (then retried)."""

    def __init__(self, name: str):
        self.name = name
        self.down_since: float | None = None
        self.retry_at = 0.0

    def worth_asking(self) -> bool:
        """Whether to ask now: always when up; when down, once every RETRY_SECONDS."""
        return self.down_since is None or time.monotonic() >= self.retry_at

    def failed(self, error: Exception) -> None:
        """Note a failure; warn once an outage."""
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
            log.warning(
                "%s does not answer (%s: %s); serving the content held in memory, "
                "asking again every %s s",
                self.name,
                type(error).__name__,
                error,
                RETRY_SECONDS,
            )
        self.retry_at = now + RETRY_SECONDS

    def answered(self) -> None:
        """Note an answer; say when an outage ends."""
        if self.down_since is not None:
            log.warning(
                "%s answers again after %.1f s", self.name, time.monotonic() - self.down_since
            )
            self.down_since = None

    @property
    def down(self) -> bool:
        return self.down_since is not None


shared_cache = Service("The shared cache")
database = Service("The database")

_loaded: Loaded | None = None
_snapshot: Content | None = None
_database_version = 0  # the version the database gave at this process's last check
_checked_at = float("-inf")  # when that was (time.monotonic())
_MISSING = object()


def cache_is_shared() -> bool:
    """Whether the cache is one all processes see (Redis, memcached, database)."""
    # `cache` is a proxy; the backend itself says what kind of cache it is.
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def database_version() -> tuple[int, datetime | None]:
    """The content version and when it changed, as the database holds them."""
    row = ContentVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
    return row or (0, None)


def _remember(number: int) -> None:
    global _database_version, _checked_at
    _database_version = number
    _checked_at = time.monotonic()


def _read_shared():
    """The version in the shared cache, None when it has none, _MISSING when it cannot say."""
    if not cache_is_shared() or not shared_cache.worth_asking():
        return _MISSING
    try:
        value = cache.get(VERSION_KEY)
    except Exception as error:  # noqa: BLE001  (any cache failure: fail open)
        shared_cache.failed(error)
        return _MISSING
    if shared_cache.down:
        # Back after an outage: versions published meanwhile were lost, so ask the database now.
        global _checked_at
        _checked_at = float("-inf")
    shared_cache.answered()
    return value if isinstance(value, int) else None  # anything else is not ours: replace it


def publish(number: int) -> bool:
    """Put ``number`` in the shared cache for every process; False when the cache did not take it
    (the version is in the database anyway, and is published again once the cache answers)."""
    if not cache_is_shared() or not shared_cache.worth_asking():
        return False
    try:
        cache.set(VERSION_KEY, number, VERSION_CACHE_SECONDS)
    except Exception as error:  # noqa: BLE001
        shared_cache.failed(error)
        return False
    shared_cache.answered()
    return True


def content_version() -> int:
    """The content version to serve: the shared cache's when it is newer than this process's last
    database check, the database's when that check is due; the last known one in an outage."""
    shared = _read_shared()
    due = time.monotonic() - _checked_at >= VERSION_CHECK_SECONDS
    if due and database.worth_asking():
        try:
            number, _changed_at = database_version()
        except DatabaseError as error:
            database.failed(error)
        else:
            database.answered()
            _remember(number)
            # Read after the cache: a version published before that read is in this answer, so
            # the database's number is the truth (a higher one in the cache is from elsewhere).
            if shared is not _MISSING and shared != number:
                publish(number)
            return number
    if shared is _MISSING or shared is None:
        if shared is None and _checked_at > float("-inf"):
            publish(_database_version)
        return _database_version
    if shared < _database_version:  # an edit the cache missed: put it back
        publish(_database_version)
        return _database_version
    return shared


def load_content() -> Loaded:
    """Read the published guidance, scheduled rows included, and its version from the database."""
    # The version first: content read after it is at least as new as the version says.
    number, changed_at = database_version()
    milestones = tuple(Milestone.objects.filter(published=True).order_by("date"))
    options = tuple(
        EnrollmentOption.objects.filter(published=True).prefetch_related("requirements")
    )
    self_services = tuple(SelfService.objects.filter(published=True))
    # A note about a row citizens do not see (not published) waits until the row is published.
    unpublished = {
        (ContentType.objects.get_for_model(model).pk, pk)
        for model in (Milestone, EnrollmentOption, SelfService)
        for pk in model.objects.filter(published=False).values_list("pk", flat=True)
    }
    notes = tuple(
        note
        for note in ChangeNote.objects.order_by("-published_at", "-id")
        if (note.content_type_id, note.object_id) not in unpublished
    )
    requirements = {row for option in options for row in option.requirements.all()}
    moments = {
        row.publish_from
        for row in (*milestones, *options, *self_services, *requirements)
        if row.publish_from is not None
    } | {note.published_at for note in notes}
    loaded = Loaded(
        version=number,
        changed_at=changed_at or NEVER,
        milestones=milestones,
        options=options,
        self_services=self_services,
        notes=notes,
        moments=tuple(sorted(moments)),
    )
    _remember(number)
    return loaded


def current_content() -> Content:
    """What citizens see now: no database query while nothing changed, the next scheduled change
    live at its exact moment (from memory), and the last good snapshot while the database does not
    answer."""
    global _loaded, _snapshot
    version = content_version()
    if _loaded is None or (_loaded.version != version and database.worth_asking()):
        try:
            _loaded = load_content()
        except DatabaseError as error:
            if _loaded is None:
                raise
            database.failed(error)
        else:
            database.answered()
            _snapshot = None
    now = timezone.now()
    if (
        _snapshot is None
        or (_snapshot.valid_until is not None and now >= _snapshot.valid_until)
        or now < _snapshot.live_since  # a clock set back (tests travel in time)
    ):
        _snapshot = _loaded.live_at(now)
    return _snapshot


def answer_from(request, content: Content) -> None:
    """Have ``request`` answered from ``content``: ``content_for(request)`` gives it from now on."""
    request.content = content


def content_for(request) -> Content:
    """The content a request is answered from: the one given by ``answer_from`` (the response
    cache's, so an answer and its cache key agree even when a scheduled moment passes meanwhile),
    else now's."""
    content = getattr(request, "content", None)
    return content if content is not None else current_content()


def current_loaded() -> Loaded:
    """Every published row, scheduled ones included, as this process holds them now."""
    current_content()
    return _loaded


def with_row_live(loaded: Loaded, row, requirements=None) -> Loaded:
    """``loaded`` with ``row`` (saved or not, scheduled or not) in place of its stored version
    and live at once: what citizens would see if it were published now. For a way to get MitID,
    ``requirements`` are its requirements (the form's, not the stored ones)."""
    shown = copy.copy(row)
    shown.publish_from = None
    if hasattr(shown, "published"):
        shown.published = True
    if shown.pk is None:
        shown.pk = 0  # never saved; lets its requirements be read like a stored row's
    if requirements is not None:
        _set_requirements(shown, list(requirements))

    def swapped(rows: tuple, model) -> tuple:
        if not isinstance(row, model):
            return rows
        kept = [other for other in rows if other.pk != row.pk]
        ordering = model._meta.ordering
        return tuple(
            sorted([*kept, shown], key=lambda item: [getattr(item, name) for name in ordering])
        )

    options = swapped(loaded.options, EnrollmentOption)
    if isinstance(row, Requirement):
        options = tuple(_with_requirement(option, shown) for option in options)
    return Loaded(
        version=loaded.version,
        changed_at=loaded.changed_at,
        milestones=swapped(loaded.milestones, Milestone),
        options=options,
        self_services=swapped(loaded.self_services, SelfService),
        notes=loaded.notes,
        moments=loaded.moments,
    )


def _set_requirements(option: EnrollmentOption, rows: list) -> None:
    queryset = Requirement.objects.filter(pk__in=[row.pk for row in rows])
    queryset._result_cache = rows  # as prefetch_related leaves it: no query when read
    queryset._prefetch_done = True
    option._prefetched_objects_cache = {
        **getattr(option, "_prefetched_objects_cache", {}),
        "requirements": queryset,
    }


def _with_requirement(option: EnrollmentOption, requirement: Requirement) -> EnrollmentOption:
    rows = list(option.requirements.all())
    if not any(row.pk == requirement.pk for row in rows):
        return option
    shown = copy.copy(option)
    _set_requirements(shown, [requirement if row.pk == requirement.pk else row for row in rows])
    return shown


def content_changed() -> None:
    """After a commit: take the new version from the database and publish it to every process.
    Never raises: the edit is committed, and the version with it."""
    try:
        number, _changed_at = database_version()
    except DatabaseError as error:
        database.failed(error)
        return
    _remember(number)
    if cache_is_shared() and not publish(number):
        log.warning(
            "Content version %s is saved but the shared cache did not take it; other processes "
            "see the edit within %s s",
            number,
            VERSION_CHECK_SECONDS,
        )


def forget_cached_content() -> None:
    """Drop this process's snapshot and the stored version (tests and benchmarks start cold)."""
    global _loaded, _snapshot, _database_version, _checked_at
    _loaded = _snapshot = None
    _database_version = 0
    _checked_at = float("-inf")
    shared_cache.down_since = database.down_since = None
    # A cache that does not answer holds nothing to forget.
    with contextlib.suppress(Exception):
        cache.delete(VERSION_KEY)


# Signals fire inside the saving transaction; the new version is read once it is committed. They
# only make the edit show at once: the trigger has already recorded it in the database.
@receiver(post_save)
@receiver(post_delete)
def _content_saved_or_deleted(sender, **kwargs) -> None:
    if sender in CONTENT_MODELS:
        transaction.on_commit(content_changed)


@receiver(m2m_changed, sender=EnrollmentOption.requirements.through)
def _requirements_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):  # pre_* signals come before anything changed
        transaction.on_commit(content_changed)
