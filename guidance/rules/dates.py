"""Reading the dates visitors type, and what "today" is in Copenhagen."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# The dates we answer for: the forms, the API and a milestone's date all keep to this range.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2100, 12, 31)

ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
DAY_FIRST_DATE = re.compile(r"([0-9]{1,2})([-./])([0-9]{1,2})\2([0-9]{4})")
MAX_DATE_LENGTH = 40


class DateError(ValueError):
    """A date a visitor sent that we cannot use; the message says why and what works."""


def today_in_copenhagen() -> date:
    """Today's date in Denmark, whatever the server's time zone."""
    return datetime.now(COPENHAGEN).date()


def accepted_forms() -> str:
    """The date forms we read, as a sentence for error messages."""
    return _(
        "Write the date as year-month-day (2023-10-31) or day-month-year "
        "(31-10-2023, 31.10.2023 or 31/10/2023)."
    )


def date_range_error() -> str:
    """The accepted range, as a sentence in the active language's date format."""
    return _("Choose a date from %(first)s to %(last)s.") % {
        "first": formats.date_format(FIRST_DATE),
        "last": formats.date_format(LAST_DATE),
    }


def parse_date(text: str) -> date:
    """The calendar date in ``text`` (ISO or day-first), or a DateError saying what is wrong."""
    if len(text) > MAX_DATE_LENGTH:
        raise DateError(_("That date is too long to be a date.") + " " + accepted_forms())
    text = text.strip()
    if match := ISO_DATE.fullmatch(text):
        year, month, day = match.group(1, 2, 3)
    elif match := DAY_FIRST_DATE.fullmatch(text):
        day, month, year = match.group(1, 3, 4)
    else:
        raise DateError(
            _("“%(text)s” is not a date we can read.") % {"text": text} + " " + accepted_forms()
        )
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(
            _("%(text)s is not a real calendar date.") % {"text": text} + " " + accepted_forms()
        ) from None
    if not FIRST_DATE <= parsed <= LAST_DATE:
        raise DateError(date_range_error())
    return parsed
