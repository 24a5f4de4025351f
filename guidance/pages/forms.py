"""The questions a visitor answers: a date, who is asking, and their situation."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from guidance.models import Audience
from guidance.rules.advice import VisitorSituation, other_audience
from guidance.rules.dates import MAX_DATE_LENGTH, DateError, parse_date, today_in_copenhagen
from guidance.rules.vocabulary import audience_error

AUDIENCE_ANSWERS = {
    Audience.CITIZEN: _("A person"),
    Audience.BUSINESS: _("A company, authority or organisation"),
}
YES_NO = [("", _("I’d rather not say")), ("yes", _("Yes")), ("no", _("No"))]


class DayField(forms.Field):
    """A date in any form the SPEC accepts (ISO or day-first), from 1900 to 2100."""

    def to_python(self, value):
        """The date the text stands for; None when it is empty."""
        text = value or ""
        if len(text) <= MAX_DATE_LENGTH and not text.strip():
            return None
        try:
            return parse_date(text)
        except DateError as error:
            raise forms.ValidationError(str(error), code="invalid_date") from None


class AdviceForm(forms.Form):
    """The GET form on the advice page, and the query of the status API."""

    date = DayField(
        label=_("Date"),
        required=False,
        help_text=_("For example 31-10-2023 or 2023-10-31. Leave empty for today."),
    )
    audience = forms.ChoiceField(
        label=_("Who is asking?"),
        # Every audience is offered; the question names some more plainly than their label.
        choices=[
            (audience, AUDIENCE_ANSWERS.get(audience, audience.label)) for audience in Audience
        ],
        required=False,
        error_messages={"invalid_choice": audience_error()},
    )
    passport = forms.ChoiceField(
        label=_("Do you have a Danish passport?"),
        choices=YES_NO,
        required=False,
        error_messages={"invalid_choice": _("Answer “yes” or “no” about the passport.")},
    )
    smartphone = forms.ChoiceField(
        label=_("Do you have a smartphone?"),
        choices=YES_NO,
        required=False,
        error_messages={"invalid_choice": _("Answer “yes” or “no” about the smartphone.")},
    )

    def clean_audience(self) -> str:
        """Citizens are the default audience."""
        return self.cleaned_data["audience"] or Audience.CITIZEN

    def day(self) -> datetime.date:
        """The date asked about; today in Copenhagen when none was given."""
        return self.cleaned_data["date"] or today_in_copenhagen()

    def canonical_query(self, situation: bool = True, **changed) -> str:
        """The query string that names this answer (with ``changed`` answers): the date in ISO
        form, what was not answered or is the default left out, in one order; the visitor's
        situation only where it changes the page (``situation``); "" when nothing is left.
        Equivalent questions get one address, for links, caches and search engines."""
        answers = {**self.cleaned_data, **changed}
        query = {
            "date": answers["date"].isoformat() if answers["date"] else "",
            "audience": "" if answers["audience"] == Audience.CITIZEN else answers["audience"],
        }
        if situation:
            query.update(passport=answers["passport"], smartphone=answers["smartphone"])
        given = urlencode({name: value for name, value in query.items() if value})
        return f"?{given}" if given else ""

    def other_audience_url(self) -> str:
        """The same question (date kept) asked for the other audience, as a query string."""
        other = other_audience(self.cleaned_data["audience"])
        # "?" alone when there is nothing to ask: a link to this page without its query.
        return self.canonical_query(situation=False, audience=other) or "?"

    def is_today(self) -> bool:
        """Whether the visitor asked about today (gave no date)."""
        return not self.cleaned_data["date"]

    def situation(self) -> VisitorSituation:
        """What the visitor said about their passport and smartphone."""
        answers = {"yes": True, "no": False}
        return VisitorSituation(
            passport=answers.get(self.cleaned_data["passport"]),
            smartphone=answers.get(self.cleaned_data["smartphone"]),
        )
