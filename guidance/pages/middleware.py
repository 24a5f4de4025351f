"""What every public answer says to caches, and the health probe's way in.

Public answers (pages, the API, the calendar) may be kept by browsers and the edge but must be
revalidated: Django's conditional machinery answers 304 for an unchanged body (ETag) or content
(Last-Modified), and ``X-Accel-Expires`` ends the edge's copy before a scheduled change.
"""

import math
from datetime import date, datetime, time

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date

from guidance.pages.views import healthz
from guidance.rules.dates import COPENHAGEN, today_in_copenhagen
from guidance.snapshot import content_for

HEALTH_PATH = "/healthz"
PUBLIC_PREFIXES = ("/en/", "/da/", "/api/v1/", "/milestones.ics")
CACHE_CONTROL = "public, no-cache"
EDGE_SECONDS = 1  # how long the edge keeps a public answer (edge/default.conf.template)
# Headers a 304 repeats besides Django's own (ETag, Last-Modified, Cache-Control, Vary...).
REPEATED_ON_304 = ("Content-Language", "X-Accel-Expires")


def edge_expires(valid_until: datetime | None, now: datetime) -> str | None:
    """The X-Accel-Expires that ends the edge's copy before ``valid_until`` (the next scheduled
    moment); None when the edge's own second ends first.

    nginx serves a copy while its expiry (whole seconds) is not before the clock's second, so the
    last second allowed is the one before the moment's. Never "0": nginx reads that on a
    revalidating 304 as "no expiry given" and keeps the old copy for its usual second.
    """
    if valid_until is None:
        return None
    last_second = math.floor(valid_until.timestamp()) - 1
    if last_second >= math.floor(now.timestamp()) + EDGE_SECONDS:
        return None
    return f"@{last_second}"


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
    """Cache-Control, ETag, Last-Modified and X-Accel-Expires on public answers; 304 when the
    client has the answer; no body for HEAD."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not cacheable(request, response):
            return response
        content, now = content_for(request), timezone.now()
        changed_at = answer_changed_at(content.changed_at, today_in_copenhagen(), now)
        response["Cache-Control"] = CACHE_CONTROL
        response["Last-Modified"] = http_date(changed_at.timestamp())
        if (expires := edge_expires(content.valid_until, now)) is not None:
            response["X-Accel-Expires"] = expires
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
