"""The suite's one "now": every date a test depends on is relative to it.

NOW is the wall clock when the test run starts, read once (under `make test-clock`, the faked
clock of the drill's day). A test that needs a moment of its own takes it from here, a number of
days ahead of NOW, never a literal the calendar will pass. Moments ahead of the run matter: rows
the tests write are stamped by the database's own clock (guidance/publishing/triggers.py), which
time-machine does not move, so a moment the test travels to must come after every such stamp.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.astimezone(COPENHAGEN).date()  # the day in Copenhagen when the run starts


def days_ahead(days: int, at: time = time(12, 0)) -> datetime:
    """A moment `days` after the run's day, at `at` on the UTC clock (aware, UTC)."""
    return datetime.combine(TODAY + timedelta(days=days), at, tzinfo=UTC)


def june_next_year() -> date:
    """3 June of the year after the run's: summer time in Copenhagen, whatever day it is now."""
    return date(TODAY.year + 1, 6, 3)
