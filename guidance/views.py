"""Pages for citizens: parse the question with a form, ask the domain, render the answer."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from guidance.advice import answer_on, timeline_on
from guidance.content import cache_is_shared, current_content
from guidance.dates import today_in_copenhagen
from guidance.forms import AdviceForm


def public_page(view):
    """GET and HEAD only. These pages change nothing, so there is no CSRF check: any other
    method gets 405, not a CSRF 403."""
    return csrf_exempt(require_safe(view))


def ask(request) -> tuple[AdviceForm, dict]:
    """The form for this request's query and, when it is valid, the answer's parts."""
    form = AdviceForm(request.GET)
    if not form.is_valid():
        return form, {}
    content = current_content()
    answer = answer_on(
        form.day(),
        today_in_copenhagen(),
        form.cleaned_data["audience"],
        form.situation(),
        milestones=content.milestones,
        options=content.options,
        self_services=content.self_services,
    )
    advice = answer.asked
    timeline = timeline_on(advice.day, advice.audience, content.milestones)
    return form, {
        "answer": answer,
        "advice": advice,
        "timeline": timeline,
        "is_today": form.is_today(),
        "other_audience_url": form.other_audience_url(),
        "calendar_url": f"{reverse('milestones-ics')}?{form.calendar_query()}",
    }


@public_page
def advice(request):
    """The answer for a date (today when none is given), audience and situation."""
    form, answer = ask(request)
    return render(
        request, "guidance/advice.html", {"form": form, **answer}, status=200 if answer else 400
    )


@public_page
def timeline(request):
    """Every milestone, drawn as a timeline, with the chosen date (or today) marked."""
    form, answer = ask(request)
    return render(
        request, "guidance/timeline.html", {"form": form, **answer}, status=200 if answer else 400
    )


@public_page
def accessibility(request):
    """The accessibility statement."""
    return render(request, "guidance/accessibility.html")


@public_page
def about(request):
    """Who publishes the site, how to reach them, and whether it is official (from settings)."""
    return render(request, "guidance/about.html")


@public_page
def choose_language(request):
    """Send ``/`` to the visitor's language, by Accept-Language; English when unsure."""
    language = translation.get_language_from_request(request)
    with translation.override(language if language == "da" else "en"):
        response = HttpResponseRedirect(reverse("advice"))
    response["Vary"] = "Accept-Language"
    return response


@public_page
def healthz(request):
    """200 when the app, its database and its shared cache (if any) answer; 503 otherwise."""
    checks = {"database": database_answers(), "cache": cache_answers()}
    healthy = all(result in ("ok", "local") for result in checks.values())
    status = "ok" if healthy else "unavailable"
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)


def database_answers() -> str:
    """ "ok" when the database answers a query, "error" otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001  (any failure means "not healthy")
        return "error"
    return "ok"


def cache_answers() -> str:
    """ "ok" when the shared cache answers, "local" for a per-process cache, "error" otherwise."""
    if not cache_is_shared():
        return "local"
    try:
        cache.set("healthz", "ok", 10)
        return "ok" if cache.get("healthz") == "ok" else "error"
    except Exception:  # noqa: BLE001
        return "error"


@public_page
def api_docs(request):
    """A readable page about the JSON API and the calendar feed."""
    return render(request, "guidance/api.html")


def csrf_failure(request, reason=""):
    """A form (the admin's) was sent without a valid CSRF token: say what to do, in our style."""
    return render(request, "403_csrf.html", status=403)


@require_safe
def robots_txt(request):
    """Everything public may be indexed; the admin and the API's raw data need not be."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", "Allow: /", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
