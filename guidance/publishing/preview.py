"""Staff see the public answer with a change before it is saved or live: the preview.

The row from the admin form (saved or not, scheduled or not) takes the place of its stored version
and is shown as if live; everything else is what citizens see now. The page is the real advice
page, marked as a preview, and never kept by any cache.
"""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render as render_template
from django.utils import timezone, translation
from django.utils.translation import gettext

from guidance.models import Audience
from guidance.pages.views import render_advice
from guidance.rules.dates import today_in_copenhagen
from guidance.snapshot import held

NEVER_KEPT = "private, no-store"


def controls() -> dict:
    """What the change form's preview controls offer: a date, an audience and a language."""
    return {
        "preview_today": today_in_copenhagen().isoformat(),
        "preview_audiences": Audience.choices,
        "preview_languages": settings.LANGUAGES,
    }


def chosen(request: HttpRequest, row) -> tuple[QueryDict, str]:
    """The question to answer in the preview, and its language, from the form's controls."""
    query = QueryDict(mutable=True)
    day = request.POST.get("_preview_date", "").strip()
    # The control starts at today: today is previewed as citizens see it, asking no date.
    if day and day != today_in_copenhagen().isoformat():
        query["date"] = day
    audience = request.POST.get("_preview_audience") or getattr(row, "audience", "")
    query["audience"] = audience or Audience.CITIZEN
    language = request.POST.get("_preview_language")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    return query, language


def render(request: HttpRequest, row, requirements=None) -> HttpResponse:
    """The public advice page with ``row`` live (and, for a way to get MitID, its
    ``requirements`` as the form has them), in the chosen language, marked as a preview."""
    query, language = chosen(request, row)
    content = held().with_row_live(row, requirements).live_at(timezone.now())
    with translation.override(language):
        response = render_advice(request, query, content, {"preview": True})
    response["Content-Language"] = language
    return never_kept(response)


def refused(request: HttpRequest, errors: list[str]) -> HttpResponse:
    """The form cannot be previewed as it is: say why, in the admin's style."""
    context = {
        **admin.site.each_context(request),
        "title": gettext("The preview could not be made"),
        "errors": errors,
    }
    response = render_template(request, "admin/guidance/preview_refused.html", context, status=400)
    return never_kept(response)


def form_errors(form) -> list[str]:
    """Every error of ``form`` as one line each, with the field's label."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            lines.append(f"{label}: {error}" if label else error)
    return lines


def never_kept(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NEVER_KEPT
    response["X-Robots-Tag"] = "noindex"
    return response
