"""What citizens see: the published rows, and which of them are live at a moment.

``Published`` is every published row at one content version, scheduled ones included;
``Published.live_at(now)`` cuts from it the ``Content`` citizens see at ``now``, which holds
until the next scheduled moment (``valid_until``).
"""

import copy
import operator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType

from guidance.models import (
    ChangeNote,
    ContentVersion,
    EnrollmentOption,
    Milestone,
    Requirement,
    SelfService,
)

NEVER = datetime.fromtimestamp(0, UTC)  # changed_at of a database never edited


@dataclass(frozen=True)
class Content:
    """What citizens see at one moment, ordered as it is shown."""

    version: int  # the content version it was read at
    live_since: datetime  # the latest scheduled moment already passed (NEVER if none)
    changed_at: datetime  # when what citizens see last changed: an edit, or a scheduled moment
    valid_until: datetime | None  # the next scheduled moment (None: nothing is scheduled)
    milestones: tuple[Milestone, ...]
    options: tuple[EnrollmentOption, ...]
    self_services: tuple[SelfService, ...]
    notes: tuple[ChangeNote, ...]  # public change notes, newest first

    def holds_at(self, now: datetime) -> bool:
        """Whether this is still what citizens see at ``now``."""
        return self.live_since <= now and (self.valid_until is None or now < self.valid_until)


@dataclass(frozen=True)
class Published:
    """Every published row at one content version, scheduled ones included."""

    version: int
    changed_at: datetime
    milestones: tuple[Milestone, ...]
    options: tuple[EnrollmentOption, ...]  # each with ``needs``: its published requirements
    self_services: tuple[SelfService, ...]
    notes: tuple[ChangeNote, ...]
    moments: tuple[datetime, ...]  # every "publish from" and note moment, sorted

    def live_at(self, now: datetime) -> Content:
        """What citizens see at ``now``: the rows whose "publish from" has come."""
        passed = [moment for moment in self.moments if moment <= now]
        ahead = [moment for moment in self.moments if moment > now]
        live_since = passed[-1] if passed else NEVER
        return Content(
            version=self.version,
            live_since=live_since,
            changed_at=max(self.changed_at, live_since),
            valid_until=ahead[0] if ahead else None,
            milestones=tuple(row for row in self.milestones if row.is_live_at(now)),
            options=tuple(
                with_needs(row, [need for need in row.needs if need.is_live_at(now)])
                for row in self.options
                if row.is_live_at(now)
            ),
            self_services=tuple(row for row in self.self_services if row.is_live_at(now)),
            notes=tuple(note for note in self.notes if note.published_at <= now),
        )

    def with_row_live(self, row, requirements=None) -> "Published":
        """These rows with ``row`` (saved or not) in place of its stored version and live at
        once: what citizens would see if it were published now (the staff preview). For a way
        to get MitID, ``requirements`` are the form's."""
        shown = copy.copy(row)
        shown.publish_from = None
        if hasattr(shown, "published"):
            shown.published = True
        if requirements is not None:
            shown.needs = tuple(requirements)

        def swapped(rows: tuple, model) -> tuple:
            if not isinstance(row, model):
                return rows
            kept = [other for other in rows if row.pk is None or other.pk != row.pk]
            ordering = model._meta.ordering
            return tuple(sorted([*kept, shown], key=lambda r: [getattr(r, f) for f in ordering]))

        options = swapped(self.options, EnrollmentOption)
        if isinstance(row, Requirement):
            options = tuple(
                with_needs(option, [shown if need.pk == row.pk else need for need in option.needs])
                for option in options
            )
        return replace(
            self,
            milestones=swapped(self.milestones, Milestone),
            options=options,
            self_services=swapped(self.self_services, SelfService),
        )


def with_needs(option: EnrollmentOption, needs: list[Requirement]) -> EnrollmentOption:
    """``option`` showing ``needs`` (itself when they are the very rows it shows)."""
    if len(needs) == len(option.needs) and all(map(operator.is_, needs, option.needs)):
        return option
    shown = copy.copy(option)
    shown.needs = tuple(needs)
    return shown


def read_published() -> Published:
    """Every published row and the content version they are at, from the database."""
    # The version first: rows read after it are at least as new as it says.
    version = ContentVersion.objects.filter(pk=1).first() or ContentVersion(number=0)
    milestones = tuple(Milestone.objects.filter(published=True))
    options = tuple(
        EnrollmentOption.objects.filter(published=True).prefetch_related("requirements")
    )
    for option in options:
        option.needs = tuple(option.requirements.all())
    self_services = tuple(SelfService.objects.filter(published=True))
    # A note about a row citizens do not see waits until the row is published.
    hidden = {
        (ContentType.objects.get_for_model(model).pk, pk)
        for model in (Milestone, EnrollmentOption, SelfService)
        for pk in model.objects.filter(published=False).values_list("pk", flat=True)
    }
    notes = tuple(
        note
        for note in ChangeNote.objects.all()
        if (note.content_type_id, note.object_id) not in hidden
    )
    needs = {need for option in options for need in option.needs}
    moments = {
        row.publish_from
        for row in (*milestones, *options, *self_services, *needs)
        if row.publish_from is not None
    } | {note.published_at for note in notes}
    return Published(
        version=version.number,
        changed_at=version.changed_at or NEVER,
        milestones=milestones,
        options=options,
        self_services=self_services,
        notes=notes,
        moments=tuple(sorted(moments)),
    )
