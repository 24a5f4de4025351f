"""The answer eID guide gives: NemID's status on a date, and what to do about it.

Plain functions over the published content, with no HTTP and no templates: the pages (and the
admin's preview of them) and the API all ask them, so every rule lives here once.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from guidance.models import (
    Audience,
    EnrollmentOption,
    Milestone,
    NemIDStatus,
    Requirement,
    SelfService,
    Situation,
)

# The answer before the first milestone: written once, used by pages and the API.
NOT_LAUNCHED_SENTENCE = _("NemID did not exist yet on this date.")


@dataclass(frozen=True)
class AudienceTexts:
    """The words that differ by audience; chosen here, so templates never decide by audience."""

    new_eid: str  # what the audience moves to from NemID
    todo_heading: str  # "What to do": Danish says "du" to a person, "I" to a company
    todo_now_heading: str
    ways_heading: str
    timeline_lead: str
    timeline_link: str  # a link to this audience's timeline, seen from the other one
    answer_for: str  # who the answer is for, beside the status; empty for citizens


AUDIENCE_TEXTS = {
    Audience.CITIZEN: AudienceTexts(
        new_eid=_("MitID"),
        todo_heading=_("What to do"),
        todo_now_heading=_("What to do now"),
        ways_heading=_("How to get MitID"),
        timeline_lead=_("NemID for citizens, from launch to closing."),
        timeline_link=_("See the timeline for citizens"),
        answer_for="",
    ),
    Audience.BUSINESS: AudienceTexts(
        new_eid=_("MitID Business"),
        todo_heading=pgettext_lazy("business", "What to do"),
        todo_now_heading=pgettext_lazy("business", "What to do now"),
        ways_heading=_("About MitID Business"),
        timeline_lead=_("NemID Employee Signature, from launch to closing."),
        timeline_link=_("See the timeline for businesses"),
        answer_for=_("for businesses"),
    ),
}


# The first status on which the source shows the audience's new eID in use: citizens banked with
# MitID from 30 October 2022 (NemID no longer could); of MitID Business it gives no date before
# NemID closed, though NemID's service was limited from 30 June 2023.
NEW_EID_FROM = {Audience.CITIZEN: NemIDStatus.RESTRICTED, Audience.BUSINESS: NemIDStatus.CLOSED}


def new_eid_in_use(status: NemIDStatus, audience: str) -> bool:
    """Whether the source shows the new eID in use for the audience on a day with ``status``:
    only from then does the answer warn of the next change or name ways to the new eID."""
    return status != NemIDStatus.UNKNOWN and status.rank >= NEW_EID_FROM[audience].rank


def other_audience(audience: str) -> Audience:
    """The audience a page links across to: businesses from citizens, and back."""
    return Audience.BUSINESS if audience == Audience.CITIZEN else Audience.CITIZEN


def in_force_on(milestone: Milestone, day: date) -> bool:
    """Whether ``milestone`` surely holds on ``day``: from its own date on, or from the last day
    of its month or year when its source gives no day (launched "in 2010" holds on 31 December
    2010, whatever the day was)."""
    return milestone.last_day <= day


def unsure_on(milestone: Milestone, day: date) -> bool:
    """Whether the source leaves open if ``milestone`` holds on ``day``: a day of its month or
    year, before the last, when the source gives no day."""
    return milestone.date <= day < milestone.last_day


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
    """Everything the guide says for one date, audience and situation (computed once)."""

    day: date
    audience: str
    status: NemIDStatus
    current: Milestone | None
    since: Milestone | None
    passed: tuple[Milestone, ...]
    upcoming: tuple[Milestone, ...]
    options: tuple[EnrollmentOption, ...] = ()
    unsuitable_options: tuple[UnsuitableOption, ...] = ()
    self_services: tuple[SelfService, ...] = ()

    @property
    def next_milestone(self) -> Milestone | None:
        """The first milestone after the date, or None when nothing lies ahead."""
        return self.upcoming[0] if self.upcoming else None

    @property
    def unsure(self) -> Milestone | None:
        """The next milestone when its source gives only a month or year that holds the date: it
        may or may not hold on the day asked."""
        upcoming = self.next_milestone
        return upcoming if upcoming and unsure_on(upcoming, self.day) else None

    @property
    def warning(self) -> Milestone | None:
        """The announced change the visitor must prepare for by getting the new eID: the next
        milestone, once the source shows the audience's new eID in use (``new_eid_in_use``), so
        businesses are never told to get MitID Business before a day."""
        return self.next_milestone if new_eid_in_use(self.status, self.audience) else None

    @property
    def closed_for_good(self) -> bool:
        """Whether NemID is closed on the date with nothing after it: the source says it was
        permanently closed, which the answer says instead of "no further change"."""
        return self.status == NemIDStatus.CLOSED and self.next_milestone is None

    @property
    def warning_text(self) -> str | None:
        """The warning as the visitor reads it: "Get MitID before 31 October 2023." """
        if self.warning is None:
            return None
        day = self.warning.when
        return gettext("Get %(eid)s before %(day)s.") % {"eid": self.texts.new_eid, "day": day}

    @property
    def to_do(self) -> list[str]:
        """Everything the answer tells the visitor to do on the date, the warning first: what the
        page shows and the API's ``actions``."""
        return [self.warning_text, *self.actions] if self.warning else self.actions

    @property
    def summary(self) -> str:
        """What NemID's status means on the date, in the active language; on a day the source
        leaves open, what it does say."""
        if self.unsure and not self.current:
            return gettext(
                "NemID was launched in %(when)s. The source does not give the day, so NemID may "
                "not have existed yet on this date."
            ) % {"when": self.unsure.when}
        if self.unsure:
            return gettext(
                "%(summary)s The source gives only %(when)s for the next change, “%(title)s”, so "
                "it may already apply on this date."
            ) % {
                "summary": self.current.summary,
                "when": self.unsure.when,
                "title": self.unsure.title,
            }
        return self.current.summary if self.current else str(NOT_LAUNCHED_SENTENCE)

    @property
    def actions(self) -> list[str]:
        """What to do on the date, in the active language."""
        return self.current.actions if self.current else []

    @property
    def texts(self) -> AudienceTexts:
        """The words of this answer that differ by audience."""
        return AUDIENCE_TEXTS[Audience(self.audience)]

    @property
    def other_texts(self) -> AudienceTexts:
        """The words of the other audience (for the link across to its answer)."""
        return AUDIENCE_TEXTS[other_audience(self.audience)]

    @property
    def is_for_citizens(self) -> bool:
        """Whether the answer is for a person (not a company)."""
        return self.audience == Audience.CITIZEN


def milestones_for(milestones: Iterable[Milestone], audience: str) -> list[Milestone]:
    """One audience's milestones, oldest first."""
    return sorted((m for m in milestones if m.audience == audience), key=lambda m: m.date)


def status_since(passed: Sequence[Milestone]) -> Milestone | None:
    """The milestone the current status began with: the earliest of the latest run of passed
    milestones that share it ("still closed" does not restart the count). None before NemID
    existed."""
    if not passed:
        return None
    since = passed[-1]
    for milestone in reversed(passed[:-1]):
        if milestone.status != since.status:
            break
        since = milestone
    return since


def missing_requirements(
    requirements: Iterable[Requirement], situation: VisitorSituation
) -> tuple[Requirement, ...]:
    """The requirements (of one way to get MitID) the visitor said they do not meet."""
    return tuple(r for r in requirements if situation.answer(r.situation) is False)


def confirmed_requirements(requirements: Iterable[Requirement], situation: VisitorSituation) -> int:
    """How many of the requirements' situation questions the visitor answered yes to."""
    return sum(1 for r in requirements if situation.answer(r.situation) is True)


def ways_to_get_mitid(
    day: date, audience: str, situation: VisitorSituation, options: Sequence[EnrollmentOption]
) -> tuple[tuple[EnrollmentOption, ...], tuple[UnsuitableOption, ...]]:
    """The ways open on ``day`` for ``audience``: those that fit the visitor, best first, and
    those that need something the visitor lacks.

    An unanswered question counts as "maybe": the option stays, after the ones the visitor
    confirmed they can use.
    """
    # Each option's requirements read once: every read of a relation builds a manager.
    open_ways = [(o, o.needs) for o in options if o.audience == audience and o.available_on(day)]
    suitable = [(o, needs) for o, needs in open_ways if not missing_requirements(needs, situation)]
    suitable.sort(
        key=lambda way: (-confirmed_requirements(way[1], situation), way[0].order, way[0].slug)
    )
    unsuitable = tuple(
        UnsuitableOption(o, missing)
        for o, needs in open_ways
        if (missing := missing_requirements(needs, situation))
    )
    return tuple(o for o, _needs in suitable), unsuitable


def self_services_for(audience: str, self_services: Sequence[SelfService]) -> tuple:
    """The public self-services that need MitID: told to citizens only (they are a person's)."""
    return tuple(self_services) if audience == Audience.CITIZEN else ()


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
    passed = tuple(m for m in own if in_force_on(m, day))
    upcoming = tuple(m for m in own if not in_force_on(m, day))
    if passed:
        status = NemIDStatus(passed[-1].status)
    elif upcoming and unsure_on(upcoming[0], day):
        status = NemIDStatus.UNKNOWN
    else:
        status = NemIDStatus.NOT_LAUNCHED
    # Before the new eID is in use, the answer names no way to it (as no warning).
    suitable, unsuitable = (
        ways_to_get_mitid(day, audience, situation, options)
        if new_eid_in_use(status, audience)
        else ((), ())
    )
    return Advice(
        day=day,
        audience=audience,
        status=status,
        current=passed[-1] if passed else None,
        since=status_since(passed),
        passed=passed,
        upcoming=upcoming,
        options=suitable,
        unsuitable_options=unsuitable,
        self_services=self_services_for(audience, self_services),
    )


@dataclass(frozen=True)
class Answer:
    """What a page says: the advice on the date asked about and, when that date is past, the
    advice for today, kept apart (a visitor asking about the past acts today)."""

    asked: Advice
    today: date
    now: Advice | None

    @property
    def is_past(self) -> bool:
        """Whether the visitor asked about a day before today."""
        return self.now is not None

    @property
    def to_act_on(self) -> Advice:
        """The advice whose actions and ways to get MitID the visitor can use: today's for a
        past date (the ways open then are not the ways open now)."""
        return self.now or self.asked

    @property
    def still_applies(self) -> bool:
        """Whether the answer for a past date is still today's: the same milestone in force,
        so the page says so instead of repeating it."""
        return self.now is not None and (self.now.status, self.now.current) == (
            self.asked.status,
            self.asked.current,
        )

    @property
    def warning(self) -> str | None:
        """The warning the answer shows beside the asked date's status: none for a past date,
        whose to-do is not the visitor's any more (today's is listed instead)."""
        return None if self.is_past else self.asked.warning_text

    @property
    def listed_actions(self) -> list[str]:
        """The actions listed under "What to do": with ``warning``, the advice acted on's
        ``to_do``, which the API gives as that part's ``actions``."""
        return self.now.to_do if self.now else self.asked.actions

    @property
    def points_to_business(self) -> bool:
        """Every citizen answer points NemID Employee Signature users to the business answer."""
        return self.asked.is_for_citizens

    @property
    def urgent_line(self) -> bool:
        """Citizens who can get MitID today are told what to do when it is urgent."""
        advice = self.to_act_on
        return advice.is_for_citizens and bool(advice.options or advice.unsuitable_options)


def answer_on(
    day: date,
    today: date,
    audience: str = Audience.CITIZEN,
    situation: VisitorSituation | None = None,
    *,
    milestones: Sequence[Milestone],
    options: Sequence[EnrollmentOption] = (),
    self_services: Sequence[SelfService] = (),
) -> Answer:
    """The answer for ``day`` as seen on ``today`` (in Copenhagen): a past day gets today's
    advice beside it."""

    def advice(on: date) -> Advice:
        return advice_on(
            on,
            audience,
            situation,
            milestones=milestones,
            options=options,
            self_services=self_services,
        )

    return Answer(asked=advice(day), today=today, now=advice(today) if day < today else None)


class TimelineState(models.TextChoices):
    """Where a line of the timeline stands against the chosen day."""

    PASSED = "passed", _("(before your date)")
    CURRENT = "current", _("(in force on your date)")
    MARKER = "marker", _("Your date")
    UNSURE = "unsure", _("(the source does not say whether it is before or after your date)")
    UPCOMING = "upcoming", _("(after your date)")


# The states as said when no date was chosen: the day marked is today.
TODAY_LABELS = {
    TimelineState.PASSED: _("(before today)"),
    TimelineState.CURRENT: _("(in force today)"),
    TimelineState.UPCOMING: _("(after today)"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline: a milestone, or the marker for the chosen day."""

    state: TimelineState
    milestone: Milestone | None = None

    def label(self, is_today: bool) -> str:
        """Where the line stands, said against today when no date was chosen."""
        return str(TODAY_LABELS.get(self.state, self.state.label) if is_today else self.state.label)


def timeline_on(day: date, audience: str, milestones: Iterable[Milestone]) -> list[TimelineEntry]:
    """An audience's milestones in order, with the chosen ``day`` marked where it falls."""
    own = milestones_for(milestones, audience)
    passed = [m for m in own if in_force_on(m, day)]
    return [
        *(
            TimelineEntry(TimelineState.CURRENT if m is passed[-1] else TimelineState.PASSED, m)
            for m in passed
        ),
        TimelineEntry(TimelineState.MARKER),
        *(
            TimelineEntry(TimelineState.UNSURE if unsure_on(m, day) else TimelineState.UPCOMING, m)
            for m in own
            if not in_force_on(m, day)
        ),
    ]
