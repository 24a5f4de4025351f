"""What every public answer says to caches, and the health probe's way in.

Public answers (pages, the API, the calendar) may be kept by browsers and the edge but must be
revalidated: Django's conditional machinery answers 304 for an unchanged body (ETag) or content
(Last-Modified). An answer holds until the next scheduled moment or midnight in Copenhagen,
whichever is first; no cache is allowed to serve it, fresh or stale, from that second on.
"""

import math
from datetime import date, datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date

from guidance.pages.views import healthz
from guidance.rules.dates import COPENHAGEN, today_in_copenhagen
from guidance.snapshot import content_for

HEALTH_PATH = "/healthz"
PUBLIC_PREFIXES = ("/en/", "/da/", "/api/v1/", "/milestones.ics", "/sitemap.xml")
STALE_SECONDS = 1  # how long past its second the edge may serve a copy while renewing it
# How long while the app cannot answer: an edit is on every copy renewed since, and the app
# cannot know of edits to come.
ERROR_SECONDS = 60
# Headers a 304 repeats besides Django's own (ETag, Last-Modified, Cache-Control, Expires...).
REPEATED_ON_304 = ("Content-Language", "X-Accel-Expires")
# The marks of the views' framing decorators (xframe_options_exempt, csp_override, whose
# attribute is private: Django has no public way to read it), which a 304 keeps.
FRAMING_MARKS = ("xframe_options_exempt", "_csp_config")


def holds_until(valid_until: datetime | None, now: datetime) -> datetime:
    """When an answer made at ``now`` may change: the next scheduled moment (``valid_until``) or
    the next midnight in Copenhagen (today's answer, and "before"/"after today"), if sooner."""
    tomorrow = now.astimezone(COPENHAGEN).date() + timedelta(days=1)
    midnight = datetime.combine(tomorrow, time.min, tzinfo=COPENHAGEN)
    return midnight if valid_until is None else min(valid_until, midnight)


def cache_headers(until: datetime, now: datetime) -> dict[str, str]:
    """What caches are told of an answer made at ``now`` that holds until ``until``.

    Browsers and other caches: stale at once (``Expires``), so they revalidate. The edge
    (nginx, which reads ``no-cache`` as "never keep"): fresh through the current second
    (``X-Accel-Expires``), then served stale for ``STALE_SECONDS`` while one request renews it,
    and while the app cannot answer, for ``ERROR_SECONDS``; never past the last second before
    ``until``. nginx compares whole seconds, so nothing is ever served in the second ``until``
    falls in. nginx 1.22 reads the stale-* extensions only when Cache-Control comes before
    X-Accel-Expires: keep the order.
    """
    last = math.floor(until.timestamp()) - 1
    fresh = min(math.floor(now.timestamp()), last)
    return {
        "Cache-Control": (
            f"public, stale-while-revalidate={min(STALE_SECONDS, last - fresh)}, "
            f"stale-if-error={min(ERROR_SECONDS, last - fresh)}"
        ),
        "Expires": http_date(now.timestamp()),
        "X-Accel-Expires": f"@{fresh}",
    }


def answer_changed_at(content_changed_at: datetime, today: date, now: datetime) -> datetime:
    """When an answer asked today last changed: the content's last change, or today's start in
    Copenhagen if later (today's answer changes at midnight), and never after ``now`` (RFC 9110,
    8.8.2.1: the database stamps changes by its own clock)."""
    return min(max(content_changed_at, datetime.combine(today, time.min, tzinfo=COPENHAGEN)), now)


def cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """Complete, cookie-free 200 answers to GET or HEAD on the public paths."""
    return (
        request.method in ("GET", "HEAD")
        and request.path.startswith(PUBLIC_PREFIXES)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
    )


class PublicAnswerMiddleware:
    """Caching headers, ETag and Last-Modified on public answers; 304 when the client has the
    answer; no body for HEAD."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not cacheable(request, response):
            return response
        content, now = content_for(request), timezone.now()
        changed_at = answer_changed_at(content.changed_at, today_in_copenhagen(), now)
        for name, value in cache_headers(holds_until(content.valid_until, now), now).items():
            response[name] = value
        response["Last-Modified"] = http_date(changed_at.timestamp())
        set_response_etag(response)
        answer = get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=math.floor(changed_at.timestamp()),
            response=response,
        )
        if answer.status_code == 304:
            for name, value in response.items():
                if name in REPEATED_ON_304 or name.lower().startswith("access-control-"):
                    answer[name] = value
            # A 304's headers replace the kept copy's: a page that may be framed stays so.
            for mark in FRAMING_MARKS:
                if hasattr(response, mark):
                    setattr(answer, mark, getattr(response, mark))
        elif request.method == "HEAD":
            length = len(answer.content)
            answer.content = b""
            answer["Content-Length"] = str(length)
        return answer


class HealthCheckMiddleware:
    """Answers /healthz before anything checks the Host header: the container's probe asks by
    address, which ALLOWED_HOSTS rightly does not list. The answer holds no links."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)
