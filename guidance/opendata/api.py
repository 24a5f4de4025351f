"""The read-only JSON API: the same answers as the pages, from the same domain functions."""

import sys
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from guidance.models import Audience, EnrollmentOption, Milestone
from guidance.opendata.openapi import openapi_document
from guidance.pages.forms import AdviceForm
from guidance.pages.sharing import badge_for
from guidance.rules.advice import (
    Advice,
    Answer,
    UnsuitableOption,
    advice_on,
    answer_on,
    in_force_on,
    unsure_on,
)
from guidance.rules.dates import FIRST_DATE, LAST_DATE, accepted_forms, today_in_copenhagen
from guidance.rules.vocabulary import audience_error, language_error, languages
from guidance.snapshot import content_for

MAX_ACCEPT_LANGUAGE = 500
# The forms a date may be written in, as a 400 for a wrong date lists them.
DATE_FORMS = ["YYYY-MM-DD", "DD-MM-YYYY", "DD.MM.YYYY", "DD/MM/YYYY"]
OPEN_DATA_PATHS = ("/api/", "/milestones.ics")
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# What a browser script on another origin may send and read (CORS, for a read-only API).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def is_open_data(path: str) -> bool:
    """Whether an address belongs to the open data (API and feed): errors there are JSON."""
    return path.startswith(OPEN_DATA_PATHS)


def with_cors(response: HttpResponse) -> HttpResponse:
    """Any origin may read the response, its ETag and Last-Modified included."""
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def vary_exactly(response: HttpResponse, *headers: str) -> HttpResponse:
    """Vary on these request headers and nothing else (eidguide.middleware.ExactVaryMiddleware
    undoes the Accept-Language that LocaleMiddleware adds to every response)."""
    response.vary_exactly = headers
    return response


def json_response(data: dict, status: int = 200) -> JsonResponse:
    """A JSON response that keeps Danish letters readable."""
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def error_json(
    status: int, message: str, field: str | None = None, errors: dict | None = None, **extra
) -> JsonResponse:
    """An error in the one shape every error under /api/ has (docs/architecture.md, "Open data")."""
    body = {"error": str(message), "status": status, "field": field, "errors": errors or {}}
    return with_cors(json_response({**body, **extra}, status=status))


def preflight() -> HttpResponse:
    """204 to a CORS preflight: GET and HEAD, with the conditional-request headers."""
    response = HttpResponse(status=204)
    for name, value in PREFLIGHT_HEADERS.items():
        response[name] = value
    return vary_exactly(response)


def read_only(view: Callable) -> Callable:
    """GET and HEAD only (OPTIONS answers a CORS preflight; 405 in JSON otherwise); readable
    from any origin."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = preflight()
        elif request.method not in ("GET", "HEAD"):
            with translation.override(accept_language(request)):
                response = error_json(405, _("Only GET and HEAD are allowed here."))
            response["Allow"] = ALLOWED_METHODS
            vary_exactly(response, "Accept-Language")
        else:
            response = view(request, *args, **kwargs)
        return with_cors(response)

    # Nothing here changes state, so CSRF protection has nothing to protect: a POST gets the
    # 405 above, not a CSRF 403.
    return csrf_exempt(wrapper)


class LanguageForm(forms.Form):
    """The optional ``lang`` parameter; without it, Accept-Language decides."""

    lang = forms.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        error_messages={"invalid_choice": language_error()},
    )


class StatusQuery(AdviceForm, LanguageForm):
    """The query of /api/v1/status."""


class MilestonesQuery(LanguageForm):
    """The query of /api/v1/milestones: an optional audience filter."""

    audience = forms.ChoiceField(
        choices=Audience.choices,
        required=False,
        error_messages={"invalid_choice": audience_error()},
    )


def accept_language(request: HttpRequest) -> str:
    """The first of the site's languages that Accept-Language asks for; else the default.
    Never a cookie: answers are cached by Accept-Language, not by cookie."""
    # parse_accept_lang_header is not public, but Django's only parser of the header; its public
    # get_language_from_request also reads the language cookie.
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header[:MAX_ACCEPT_LANGUAGE]):
        base = code.split("-")[0].lower()
        if base in languages():
            return base
    return languages()[0]


def asked_language(request: HttpRequest) -> str | None:
    """The language asked for with ?lang=, when it is one the site speaks."""
    asked = request.GET.get("lang", "")
    return asked if asked in languages() else None


def response_language(request: HttpRequest) -> str:
    """The language asked for with ?lang=, else by Accept-Language; English when unsure."""
    return asked_language(request) or accept_language(request)


def error_response(form: forms.Form) -> JsonResponse:
    """400 naming the first field that is wrong, with every message and what is accepted."""
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    field = next(iter(errors))
    extra = {}
    if field == "date":
        extra["accepted"] = {
            "forms": DATE_FORMS,
            "from": FIRST_DATE.isoformat(),
            "to": LAST_DATE.isoformat(),
            "hint": accepted_forms(),
        }
    return error_json(400, errors[field][0], field, errors, **extra)


def answer_with(
    request: HttpRequest, form_class: type[forms.Form], build: Callable, says_language=True
) -> JsonResponse:
    """Validate the query in the response's language, then build the body (with its "lang",
    unless ``says_language`` is false) or a 400."""
    language = response_language(request)
    with translation.override(language):
        form = form_class(request.GET)
        if not form.is_valid():
            response = error_response(form)
        else:
            body = build(form)
            response = json_response({"lang": language, **body} if says_language else body)
    # The body depends on Accept-Language only when ?lang= did not choose the language.
    vary_exactly(response, *([] if asked_language(request) else ["Accept-Language"]))
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
        "date_precision": milestone.date_precision,
        "audience": milestone.audience,
        "status": milestone.status,
        "status_label": str(milestone.get_status_display()),
        "title": milestone.title,
        "summary": milestone.summary,
        "what_to_do": milestone.actions,
        "date_note": milestone.date_note or None,
        "source_url": milestone.source_url or None,
        "url": advice_page_url(request, milestone.last_day, milestone.audience),
    }
    if day is not None:
        data["passed"] = None if unsure_on(milestone, day) else in_force_on(milestone, day)
    return data


def option_json(option: EnrollmentOption) -> dict:
    """One way to get MitID, in the active language."""
    return {
        "slug": option.slug,
        "name": option.name,
        "summary": option.summary,
        "steps": option.steps,
        "requirements": [r.name for r in option.needs],
        "requirement_codes": [r.slug for r in option.needs],
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


def what_applies_json(advice: Advice) -> dict:
    """Status, next change, actions and ways to get MitID on one day: the parts an answer about
    the asked date and its "now" part share."""
    upcoming = advice.next_milestone
    return {
        "nemid": {
            "status": str(advice.status),
            "label": str(advice.status.label),
            "summary": advice.summary,
            "since": advice.since.date.isoformat() if advice.since else None,
            "since_precision": advice.since.date_precision if advice.since else None,
        },
        "next_milestone": (
            {
                "date": upcoming.date.isoformat(),
                "date_precision": upcoming.date_precision,
                "status": upcoming.status,
                "title": upcoming.title,
            }
            if upcoming
            else None
        ),
        "actions": advice.to_do,
        "enrollment_options": [option_json(o) for o in advice.options],
        "unsuitable_options": [unsuitable_json(u) for u in advice.unsuitable_options],
        "self_services": [s.name for s in advice.self_services],
    }


def now_json(request: HttpRequest, advice: Advice) -> dict:
    """What applies today, for an answer about a past date: what the visitor can act on."""
    return {
        "date": advice.day.isoformat(),
        **what_applies_json(advice),
        "url": advice_page_url(request, advice.day, advice.audience),
    }


def answer_json(request: HttpRequest, answer: Answer, is_today: bool) -> dict:
    """The whole answer: the SPEC's status document for the asked date (its facts as of that
    day, as before) and, for a past date, what applies today apart, as the pages show it."""
    advice = answer.asked
    return {
        "date": advice.day.isoformat(),
        "is_today": is_today,
        "audience": advice.audience,
        **what_applies_json(advice),
        "milestones": [
            milestone_json(request, m, advice.day) for m in (*advice.passed, *advice.upcoming)
        ],
        "url": advice_page_url(request, advice.day, advice.audience),
        "today": answer.today.isoformat(),
        "is_past": answer.is_past,
        "now": now_json(request, answer.now) if answer.now else None,
    }


@read_only
def status(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/status: NemID's status on a date (today in Copenhagen by default) and, for a
    past date, what applies today."""

    def build(form: StatusQuery) -> dict:
        situation = form.situation()
        content = content_for(request)
        answer = answer_on(
            form.day(),
            today_in_copenhagen(),
            form.cleaned_data["audience"],
            situation,
            milestones=content.milestones,
            options=content.options,
            self_services=content.self_services,
        )
        body = answer_json(request, answer, is_today=form.is_today())
        body["situation"] = {"passport": situation.passport, "smartphone": situation.smartphone}
        return body

    return answer_with(request, StatusQuery, build)


@read_only
def milestones(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/milestones: every published milestone, optionally for one audience."""

    def build(form: MilestonesQuery) -> dict:
        audience = form.cleaned_data["audience"]
        chosen = [
            m for m in content_for(request).milestones if not audience or m.audience == audience
        ]
        return {
            "audience": audience or None,
            "milestones": [milestone_json(request, m) for m in chosen],
        }

    return answer_with(request, MilestonesQuery, build)


@read_only
def badge(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/badge: NemID's status on a date as Shields.io's endpoint JSON (only its
    fields: Shields refuses others), for a README's badge in Shields' own styles."""

    def build(form: StatusQuery) -> dict:
        milestones = content_for(request).milestones
        advice = advice_on(form.day(), form.cleaned_data["audience"], milestones=milestones)
        return badge_for(advice, form).shields()

    return answer_with(request, StatusQuery, build, says_language=False)


@read_only
def openapi(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API."""
    return vary_exactly(json_response(openapi_document(request.build_absolute_uri("/"))))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 for a request Django refuses before a view sees it (a host it does not serve)."""
    if not is_open_data(request.path):
        return defaults.bad_request(request, exception)
    with translation.override(accept_language(request)):
        return error_json(400, _("This request cannot be answered as it is."))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: nothing at this address."""
    if not is_open_data(request.path):
        return defaults.page_not_found(request, exception)
    with translation.override(accept_language(request)):
        return error_json(
            404,
            _("There is nothing at this address. The API is described at %(url)s.")
            % {"url": reverse("api-openapi")},
        )


def server_error(request: HttpRequest) -> HttpResponse:
    """500: something failed here; 503 when it was the database (a transaction rolled back:
    nothing was saved). The API still answers in its error shape; elsewhere, in the page's or
    the staff member's language."""
    unavailable = isinstance(sys.exception(), DatabaseError)
    if not is_open_data(request.path):
        if not unavailable:
            return defaults.server_error(request)
        response = render(request, "503.html", {"saving": request.method == "POST"}, status=503)
    else:
        with translation.override(accept_language(request)):
            if unavailable:
                response = error_json(503, _("The database did not answer. Try again in a moment."))
            else:
                response = error_json(
                    500, _("Something went wrong on our side. Please try again later.")
                )
    if unavailable:
        response["Retry-After"] = "10"
    return response
