"""The answer eID guide gives: NemID's status on a date, and what to do about it.

Plain functions over the published content (``guidance.content``); no HTTP, no templates. Pages,
the JSON API, the calendar feed and the admin all ask these functions.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from guidance.models import (
    Audience,
    EnrollmentOption,
    Milestone,
    NemIDStatus,
    Requirement,
    SelfService,
    Situation,
)


@dataclass(frozen=True)
class VisitorSituation:
    """What a visitor told us about themselves; ``None`` means they did not say."""

    passport: bool | None = None
    smartphone: bool | None = None

    def answer(self, question: str) -> bool | None:
        """The visitor's answer to one situation question, or None when unanswered."""
        return {Situation.PASSPORT: self.passport, Situation.SMARTPHONE: self.smartphone}.get(
            question
        )


@dataclass(frozen=True)
class UnsuitableOption:
    """A way to get MitID that needs something the visitor said they do not have."""

    option: EnrollmentOption
    missing: tuple[Requirement, ...]


@dataclass(frozen=True)
class Advice:
    """Everything the guide says for one date, audience and situation."""

    day: date
    audience: str
    status: NemIDStatus
    current: Milestone | None
    passed: tuple[Milestone, ...]
    upcoming: tuple[Milestone, ...]
    options: tuple[EnrollmentOption, ...] = ()
    unsuitable_options: tuple[UnsuitableOption, ...] = ()
    self_services: tuple[SelfService, ...] = field(default=())

    @property
    def since(self) -> date | None:
        """The first day of the current status; None before NemID existed."""
        return self.current.date if self.current else None

    @property
    def next_milestone(self) -> Milestone | None:
        """The first milestone after the date, or None when nothing lies ahead."""
        return self.upcoming[0] if self.upcoming else None

    @property
    def actions(self) -> list[str]:
        """What to do now, in the active language."""
        return self.current.actions if self.current else []


def milestones_for(milestones: Iterable[Milestone], audience: str) -> list[Milestone]:
    """One audience's milestones, oldest first."""
    return sorted((m for m in milestones if m.audience == audience), key=lambda m: m.date)


def current_milestone(
    day: date, audience: str, milestones: Iterable[Milestone]
) -> Milestone | None:
    """The latest milestone on or before ``day``: its status is NemID's status that day."""
    passed = [m for m in milestones_for(milestones, audience) if m.date <= day]
    return passed[-1] if passed else None


def status_on(day: date, audience: str, milestones: Iterable[Milestone]) -> NemIDStatus:
    """NemID's status on ``day`` for ``audience``; before the first milestone it did not exist."""
    milestone = current_milestone(day, audience, milestones)
    return NemIDStatus(milestone.status) if milestone else NemIDStatus.NOT_LAUNCHED


def next_milestone(day: date, audience: str, milestones: Iterable[Milestone]) -> Milestone | None:
    """The first milestone after ``day`` for ``audience``, or None when nothing lies ahead."""
    return next((m for m in milestones_for(milestones, audience) if m.date > day), None)


def missing_requirements(
    option: EnrollmentOption, situation: VisitorSituation
) -> tuple[Requirement, ...]:
    """The requirements of ``option`` that the visitor said they do not meet."""
    return tuple(r for r in option.requirements.all() if situation.answer(r.situation) is False)


def confirmed_requirements(option: EnrollmentOption, situation: VisitorSituation) -> int:
    """How many of the option's situation questions the visitor answered yes to."""
    return sum(1 for r in option.requirements.all() if situation.answer(r.situation) is True)


def ways_to_get_mitid(
    day: date, audience: str, situation: VisitorSituation, options: Sequence[EnrollmentOption]
) -> tuple[tuple[EnrollmentOption, ...], tuple[UnsuitableOption, ...]]:
    """The ways open on ``day`` for ``audience``: those that fit the visitor, best first, and
    those that need something the visitor lacks.

    An unanswered question counts as "maybe": the option stays, after the ones the visitor
    confirmed they can use.
    """
    open_ways = [o for o in options if o.audience == audience and o.available_on(day)]
    suitable = [o for o in open_ways if not missing_requirements(o, situation)]
    suitable.sort(key=lambda o: (-confirmed_requirements(o, situation), o.order, o.slug))
    unsuitable = tuple(
        UnsuitableOption(o, missing_requirements(o, situation))
        for o in open_ways
        if missing_requirements(o, situation)
    )
    return tuple(suitable), unsuitable


def advice_on(
    day: date,
    audience: str = Audience.CITIZEN,
    situation: VisitorSituation | None = None,
    *,
    milestones: Sequence[Milestone],
    options: Sequence[EnrollmentOption] = (),
    self_services: Sequence[SelfService] = (),
) -> Advice:
    """The whole answer for ``day``: status, milestones passed and ahead, ways to get MitID."""
    situation = situation or VisitorSituation()
    own = milestones_for(milestones, audience)
    suitable, unsuitable = ways_to_get_mitid(day, audience, situation, options)
    return Advice(
        day=day,
        audience=audience,
        status=status_on(day, audience, own),
        current=current_milestone(day, audience, own),
        passed=tuple(m for m in own if m.date <= day),
        upcoming=tuple(m for m in own if m.date > day),
        options=suitable,
        unsuitable_options=unsuitable,
        self_services=tuple(self_services),
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline: a milestone, or the marker for the chosen day."""

    state: str  # "passed", "current", "upcoming" or "marker"
    milestone: Milestone | None = None


def timeline_on(day: date, audience: str, milestones: Iterable[Milestone]) -> list[TimelineEntry]:
    """An audience's milestones in order, with the chosen ``day`` marked where it falls."""
    own = milestones_for(milestones, audience)
    passed = [m for m in own if m.date <= day]
    return [
        *(TimelineEntry("current" if m is passed[-1] else "passed", m) for m in passed),
        TimelineEntry("marker"),
        *(TimelineEntry("upcoming", m) for m in own if m.date > day),
    ]
