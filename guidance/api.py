"""The read-only JSON API: the same answers as the pages, from the same domain functions."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from guidance.advice import Advice, UnsuitableOption, in_force_on
from guidance.content import current_advice, current_content
from guidance.dates import accepted_forms
from guidance.forms import AdviceForm
from guidance.models import Audience, EnrollmentOption, Milestone
from guidance.openapi import openapi_document

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def read_only(view: Callable) -> Callable:
    """GET and HEAD only (405 with a JSON body otherwise); readable from any origin."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse(
                {"error": _("Only GET and HEAD are allowed here."), "allowed": ["GET", "HEAD"]},
                status=405,
            )
            response["Allow"] = "GET, HEAD"
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    # Nothing here changes state, so CSRF protection has nothing to protect: a POST gets the
    # 405 above, not a CSRF 403.
    return csrf_exempt(wrapper)


def json_response(data: dict, status: int = 200) -> JsonResponse:
    """A JSON response that keeps Danish letters readable."""
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


class LanguageForm(forms.Form):
    """The optional ``lang`` parameter; without it, Accept-Language decides."""

    lang = forms.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose “en” or “da” as the language.")},
    )


class StatusQuery(AdviceForm, LanguageForm):
    """The query of /api/v1/status."""


class MilestonesQuery(LanguageForm):
    """The query of /api/v1/milestones: an optional audience filter."""

    audience = forms.ChoiceField(
        choices=Audience.choices,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Choose “citizen” or “business” as the audience.")
        },
    )


def response_language(request: HttpRequest) -> str:
    """The language asked for with ?lang=, or by Accept-Language; English when unsure."""
    asked = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    preferred = translation.get_language_from_request(request)
    return preferred if preferred in LANGUAGES else "en"


def error_response(form: forms.Form) -> JsonResponse:
    """400 naming the first field that is wrong, with every message and what is accepted."""
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    field = next(iter(errors))
    body = {"error": errors[field][0], "field": field, "errors": errors}
    if field == "date":
        body["accepted"] = {
            "forms": ["YYYY-MM-DD", "DD-MM-YYYY", "DD.MM.YYYY", "DD/MM/YYYY"],
            "from": "1900-01-01",
            "to": "2100-12-31",
            "hint": accepted_forms(),
        }
    return json_response(body, status=400)


def answer_with(
    request: HttpRequest, form_class: type[forms.Form], build: Callable
) -> JsonResponse:
    """Validate the query in the response's language, then build the body or a 400."""
    language = response_language(request)
    with translation.override(language):
        form = form_class(request.GET)
        if not form.is_valid():
            response = error_response(form)
        else:
            response = json_response({"lang": language, **build(form, language)})
    if not request.GET.get("lang"):
        response["Vary"] = "Accept-Language"
    response["Content-Language"] = language
    return response


def advice_page_url(request: HttpRequest, day, audience: str) -> str:
    """The absolute address of the advice page for a day and audience, in the active language."""
    query = {"date": day.isoformat()}
    if audience != Audience.CITIZEN:
        query["audience"] = audience
    return request.build_absolute_uri(f"{reverse('advice')}?{urlencode(query)}")


def milestone_json(request: HttpRequest, milestone: Milestone, day=None) -> dict:
    """One milestone, in the active language."""
    data = {
        "date": milestone.date.isoformat(),
        "audience": milestone.audience,
        "status": milestone.status,
        "status_label": str(milestone.get_status_display()),
        "title": milestone.title,
        "summary": milestone.summary,
        "what_to_do": milestone.actions,
        "date_note": milestone.date_note or None,
        "source_url": milestone.source_url or None,
        "url": advice_page_url(request, milestone.date, milestone.audience),
    }
    if day is not None:
        data["passed"] = in_force_on(milestone, day)
    return data


def option_json(option: EnrollmentOption) -> dict:
    """One way to get MitID, in the active language."""
    return {
        "slug": option.slug,
        "name": option.name,
        "summary": option.summary,
        "steps": option.steps,
        "requirements": [r.name for r in option.requirements.all()],
        "requirement_codes": [r.slug for r in option.requirements.all()],
        "available_from": option.available_from.isoformat() if option.available_from else None,
        "available_until": option.available_until.isoformat() if option.available_until else None,
        "url": option.url or None,
    }


def unsuitable_json(unsuitable: UnsuitableOption) -> dict:
    """A way that needs something the visitor lacks, and what."""
    return {
        "slug": unsuitable.option.slug,
        "name": unsuitable.option.name,
        "missing": [r.name for r in unsuitable.missing],
        "missing_codes": [r.slug for r in unsuitable.missing],
    }


def advice_json(request: HttpRequest, advice: Advice, is_today: bool) -> dict:
    """The whole answer for a date, as the SPEC's status document."""
    upcoming = advice.next_milestone
    return {
        "date": advice.day.isoformat(),
        "is_today": is_today,
        "audience": advice.audience,
        "nemid": {
            "status": str(advice.status),
            "label": str(advice.status.label),
            "summary": advice.summary,
            "since": advice.since.isoformat() if advice.since else None,
        },
        "next_milestone": (
            {
                "date": upcoming.date.isoformat(),
                "status": upcoming.status,
                "title": upcoming.title,
            }
            if upcoming
            else None
        ),
        "actions": advice.actions,
        "milestones": [
            milestone_json(request, m, advice.day) for m in (*advice.passed, *advice.upcoming)
        ],
        "enrollment_options": [option_json(o) for o in advice.options],
        "unsuitable_options": [unsuitable_json(u) for u in advice.unsuitable_options],
        "self_services": [s.name for s in advice.self_services],
        "url": advice_page_url(request, advice.day, advice.audience),
    }


@read_only
def status(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/status: NemID's status on a date (today in Copenhagen by default)."""

    def build(form: StatusQuery, language: str) -> dict:
        situation = form.situation()
        advice = current_advice(form.day(), form.cleaned_data["audience"], situation)
        body = advice_json(request, advice, is_today=form.is_today())
        body["situation"] = {"passport": situation.passport, "smartphone": situation.smartphone}
        return body

    return answer_with(request, StatusQuery, build)


@read_only
def milestones(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/milestones: every published milestone, optionally for one audience."""

    def build(form: MilestonesQuery, language: str) -> dict:
        audience = form.cleaned_data["audience"]
        chosen = [m for m in current_content().milestones if not audience or m.audience == audience]
        return {
            "audience": audience or None,
            "milestones": [milestone_json(request, m) for m in chosen],
        }

    return answer_with(request, MilestonesQuery, build)


@read_only
def openapi(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API."""
    return json_response(openapi_document(request.build_absolute_uri("/")))
