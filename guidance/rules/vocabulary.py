"""The API's fixed vocabulary, derived from the models' TextChoices, settings.LANGUAGES and the
date range, so that a new audience, status or language reaches every endpoint, form, error
message and the OpenAPI document at once."""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from guidance.models import Audience, NemIDStatus


def audiences() -> list[str]:
    """Every audience code, in the models' order."""
    return list(Audience.values)


def statuses() -> list[str]:
    """Every NemID status code, in the phase-out's order."""
    return list(NemIDStatus.values)


def languages() -> list[str]:
    """Every language the site speaks."""
    return [code for code, _name in settings.LANGUAGES]


def quoted(value: str, label: str = "") -> str:
    """A code as a reader of the active language quotes it, with its label when that says more
    than the code (“citizen”, „citizen“ (borger))."""
    text = _("“%(value)s”") % {"value": value}
    if label and str(label).lower() != value.lower():
        text += f" ({str(label).lower()})"
    return text


def one_of(values: list[str], labels: dict | None = None) -> str:
    """“a”, “b” or “c”, in the active language."""
    quoted_values = [quoted(value, (labels or {}).get(value, "")) for value in values]
    if len(quoted_values) == 1:
        return quoted_values[0]
    return _("%(some)s or %(last)s") % {
        "some": ", ".join(quoted_values[:-1]),
        "last": quoted_values[-1],
    }


def _audience_error() -> str:
    return _("Choose %(choices)s as the audience.") % {
        "choices": one_of(audiences(), dict(Audience.choices))
    }


def _language_error() -> str:
    return _("Choose %(choices)s as the language.") % {"choices": one_of(languages())}


# Lazy: form fields are built at import time, the message in the language of each request.
audience_error = lazy(_audience_error, str)
language_error = lazy(_language_error, str)


def year_pattern(first: int, last: int) -> str:
    """A regular expression matching exactly the four-digit years from ``first`` to ``last``."""
    parts = []
    year = first
    while year <= last:
        # The widest aligned block (century, decade, year) that starts here and fits.
        for size, tail in ((100, "[0-9]{2}"), (10, "[0-9]"), (1, "")):
            if year % size == 0 and year + size - 1 <= last:
                digits = str(year)[: 4 - len(str(size)) + 1]
                parts.append(digits + tail)
                year += size
                break
    return "(" + "|".join(parts) + ")"
