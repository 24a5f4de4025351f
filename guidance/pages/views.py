"""Pages for citizens: parse the question with a form, ask the domain, render the answer."""

import logging

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from guidance.models import (
    ChangeNote,
    ContentVersion,
    EnrollmentOption,
    Milestone,
    Requirement,
    SelfService,
)
from guidance.pages.forms import AdviceForm
from guidance.pages.sharing import badge_for, security_txt, share_links
from guidance.rules.advice import answer_on, timeline_on
from guidance.rules.dates import today_in_copenhagen
from guidance.rules.published import Content
from guidance.snapshot import content_for, current_content

CONTENT_MODELS = (Milestone, EnrollmentOption, Requirement, SelfService, ChangeNote)
FAVICON = (settings.BASE_DIR / "static" / "img" / "favicon.ico").read_bytes()

log = logging.getLogger(__name__)


def public_page(view):
    """GET and HEAD only. These pages change nothing, so there is no CSRF check: any other
    method gets 405, not a CSRF 403."""
    return csrf_exempt(require_safe(view))


def ask(request, query=None, content: Content | None = None) -> tuple[AdviceForm, dict]:
    """The form for ``query`` (this request's) and, when it is valid, the answer's parts from
    ``content`` (what citizens see now, unless given)."""
    form = AdviceForm(request.GET if query is None else query)
    if not form.is_valid():
        return form, {}
    content = content or content_for(request)
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
        "page_content": content,
    }


@public_page
def advice(request):
    """The answer for a date (today when none is given), audience and situation."""
    return render_advice(request)


def render_advice(request, query=None, content: Content | None = None, extra: dict | None = None):
    """The advice page for ``query`` from ``content`` (both: this request's, unless given)."""
    form, answer = ask(request, query, content)
    return render(
        request,
        "guidance/advice.html",
        {"form": form, **answer, **(extra or {})},
        status=200 if answer else 400,
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
    """Send ``/`` to the visitor's language, by Accept-Language; English when unsure. It is the
    language LocaleMiddleware chose (the cookie, then Accept-Language, else LANGUAGE_CODE), which
    the answer's Content-Language says too. The question is kept: ``/?date=...`` is the answer's
    address in no language (its ``x-default``)."""
    query = request.META.get("QUERY_STRING", "")
    response = HttpResponseRedirect(reverse("advice") + (f"?{query}" if query else ""))
    response["Vary"] = "Accept-Language"
    return response


@public_page
def healthz(request):
    """200 when the app can serve the public pages: the content tables answer and the content
    has milestones; 503 naming what failed."""
    checks = {"database": database_answers(), "content": content_loaded()}
    failed = [part for part, result in checks.items() if result != "ok"]
    if failed:
        log.warning("Health check failed: %s", ", ".join(f"{p} {checks[p]}" for p in failed))
    body = {"status": "unavailable" if failed else "ok", **checks, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)


def database_answers() -> str:
    """ "ok" when every content table and the content version answer a query, else "error"."""
    try:
        for model in CONTENT_MODELS:
            model.objects.exists()
        if not ContentVersion.objects.exists():
            return "error: no content version"
    except Exception as error:  # noqa: BLE001  (any failure means "not healthy")
        log.warning("Health check: the database does not answer: %s", error)
        return "error"
    return "ok"


def content_loaded() -> str:
    """ "ok" when this process holds the published content (reading it if need be) and it has
    milestones; "empty" without milestones; "error" when it cannot be read."""
    try:
        content = current_content()
    except Exception as error:  # noqa: BLE001
        log.warning("Health check: the content cannot be read: %s", error)
        return "error"
    return "ok" if content.milestones else "empty"


@public_page
def api_docs(request):
    """A readable page about the JSON API and the calendar feed."""
    return render(request, "guidance/api.html")


def csrf_failure(request, reason=""):
    """A form (the admin's) was sent without a valid CSRF token: say what to do, in our style."""
    return render(request, "403_csrf.html", status=403)


@require_safe
def robots_txt(request):
    """Everything public may be indexed, and the sitemap lists it; the admin, the API's raw data
    and the answers made to be embedded elsewhere need not be."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/v1/", "Allow: /"]
    lines += ["", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@public_page
def security_txt_view(request):
    """/.well-known/security.txt (RFC 9116): whom to tell of a security problem; 404 when this
    deployment names no one."""
    text = security_txt(request.build_absolute_uri(request.path), timezone.now())
    if not text:
        raise Http404("No security contact is set (SECURITY_CONTACT or SITE_CONTACT).")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@public_page
def favicon(request):
    """/favicon.ico, which browsers ask for whatever a page names: the SVG icon's fallback."""
    response = HttpResponse(FAVICON, content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public_page
def badge(request):
    """The status badge (SVG) for the question the advice page answers; 400 with a badge that
    says what to check."""
    form, answer = ask(request)
    return HttpResponse(
        badge_for(answer.get("advice"), form).svg(),
        content_type="image/svg+xml",
        status=200 if answer else 400,
    )


def render_shared(request, template: str):
    """``template`` with the answer to the request's question and its addresses for other
    sites (``share_links``); 400 for a question that is not valid."""
    form, answer = ask(request)
    shared = share_links(request, form, answer.get("advice"))
    context = {"form": form, **answer, "shared": shared}
    return render(request, template, context, status=200 if answer else 400)


# The answer made to be shown on other sites in a frame: any site may frame it (this page only).
EMBEDDABLE = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


@public_page
@xframe_options_exempt
@csp_override(EMBEDDABLE)
def embed(request):
    """The answer, small and self-contained, for an ``<iframe>`` on another site: no script, no
    cookies, links that open the full answer in a new tab, not for search engines."""
    return render_shared(request, "guidance/embed.html")


@public_page
@csp_override({**settings.SECURE_CSP, "frame-src": [CSP.SELF]})
def share(request):
    """For partners: the badge, the embedded answer and a link to copy, with a live preview."""
    return render_shared(request, "guidance/share.html")
