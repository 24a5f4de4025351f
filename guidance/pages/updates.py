"""How current a page is: when the guide last changed for citizens, and when its facts were checked.

Plain functions over what is live (``guidance.rules.published.Content``) and over an answer
(``guidance.rules.advice``); the page-dates line on every answer page renders what they return.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone

from guidance.models import ChangeNote
from guidance.rules.advice import Answer, TimelineEntry
from guidance.rules.published import Content


def latest_note(content: Content) -> ChangeNote | None:
    """The newest public change note citizens can see now (None when there is none)."""
    return content.notes[0] if content.notes else None


def last_updated_on(content: Content) -> date | None:
    """The day (in Copenhagen) of the newest live change note: "Last updated <day>"."""
    note = latest_note(content)
    return timezone.localdate(note.published_at) if note else None


def facts_shown(answer: Answer | None, timeline: Iterable[TimelineEntry]) -> list[models.Model]:
    """Every content row a page shows: the milestones of its timeline and, on an answer, the ways
    to get MitID it lists (fitting or not), their requirements and the self-services."""
    rows: list[models.Model] = [entry.milestone for entry in timeline if entry.milestone]
    if answer is not None:
        advice = answer.to_act_on
        options = [*advice.options, *(u.option for u in advice.unsuitable_options)]
        rows += options
        rows += [row for option in options for row in option.needs]
        rows += advice.self_services
        if answer.asked.current is not None:
            rows.append(answer.asked.current)
    return rows


@dataclass(frozen=True)
class Checked:
    """When the facts on a page were checked against the official source.

    ``on`` is the oldest "last reviewed" day of the facts shown: every fact was checked on that
    day or since. ``complete`` is False when some fact shown was never checked: then no day can
    honestly be given for the page (``on`` is None)."""

    on: date | None
    complete: bool


def checked_on(rows: Iterable[models.Model]) -> Checked | None:
    """When the facts in ``rows`` were last all checked; None when there are no facts."""
    days = [row.last_reviewed_on for row in rows]
    if not days:
        return None
    if any(day is None for day in days):
        return Checked(on=None, complete=False)
    return Checked(on=min(days), complete=True)


@dataclass(frozen=True)
class PageDates:
    """The dates an answer page shows under its facts."""

    updated_on: date | None  # "Last updated": the newest public change note's day
    checked: Checked | None  # "Checked on": when the facts shown were checked


def page_dates(
    content: Content, answer: Answer | None, timeline: Iterable[TimelineEntry]
) -> PageDates:
    """The page-dates line of a page that shows ``answer`` (None: only the timeline)."""
    return PageDates(
        updated_on=last_updated_on(content),
        checked=checked_on(facts_shown(answer, timeline)),
    )
