"""Repeated public answers served from memory, with conditional GET.

What it keeps, in each process's bounded LRU (``responses``): a complete 200 answer to a GET or
HEAD for a public page, the API or the feed (paths under ``CACHEABLE_PREFIXES``, query string up
to ``MAX_QUERY_LENGTH``) that sets no cookie and does not vary by cookie: its body, its headers
but the hop ones (``HOP_HEADERS``), an ETag hashed from the body and a Last-Modified (the
content's last change, or today's start in Copenhagen if later). A warm request needs no database
query, no form parsing and no template rendering.

Its key: the content snapshot's ``Content.key`` (the database's content version and the latest
scheduled moment passed), today's date in Copenhagen, the scheme, the raw Host header (pages
carry absolute links), the path and the raw query string; and, when the response says
``Vary: Accept-Language``, the raw Accept-Language header too. The view answers from that same
snapshot (``guidance.snapshot.answer_from``), so an answer always matches its key.

What ends it: nothing removes an entry when the content changes. A staff edit, a scheduled
moment passing or Copenhagen's midnight changes the key, so the old entry is never found again.
Any entry goes once ``MAX_ENTRIES`` others have been used since it last was (least recently used
first), or with the process; tests and the benchmark empty it (``responses.clear()``).

It sits inside the security, CSP and static-file middleware, which still add their headers to
every response.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, time

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from eidguide.metrics import RESPONSE_CACHE_HITS, RESPONSE_CACHE_MISSES
from guidance.lru import BoundedLRU
from guidance.pages.views import healthz
from guidance.rules.dates import COPENHAGEN, today_in_copenhagen
from guidance.snapshot import answer_from, current_content

HEALTH_PATH = "/healthz"
CACHEABLE_PREFIXES = ("/en/", "/da/", "/api/v1/", "/milestones.ics")
MAX_ENTRIES = 1024
MAX_QUERY_LENGTH = 512
# Proxies and browsers may keep every answer but must ask again each time; the ETag answers
# "not modified" until staff change the data or a scheduled change goes live (or, for today's
# answer, until Copenhagen midnight, since the date is part of the key and so of the ETag).
CACHE_CONTROL = "public, no-cache"
HOP_HEADERS = {"content-length", "etag", "cache-control", "last-modified", "x-accel-expires"}
# How long the edge keeps a public answer (edge/default.conf.template, proxy_cache_valid).
EDGE_SECONDS = 1


def edge_expires(valid_until: datetime | None, now: datetime) -> str | None:
    """The X-Accel-Expires header that ends the edge's copy before ``valid_until``, the next
    scheduled moment; None when the edge's own second ends first.

    nginx serves a copy while its expiry (whole seconds) is not before the clock's second, so a
    copy "valid until second S" is still served during S: the last second allowed is the one
    before the moment's. That second may have passed already: the copy is then stale at once
    (nginx renews it on the next request). Never "0" ("do not keep"): nginx reads that on a
    revalidating 304 as "no expiry given" and keeps the old copy for its usual second.
    """
    if valid_until is None:
        return None
    last_second = math.floor(valid_until.timestamp()) - 1
    if last_second >= math.floor(now.timestamp()) + EDGE_SECONDS:
        return None
    return f"@{last_second}"


# Headers a 304 repeats from the 200 it stands for, besides those Django's own 304 keeps
# (ETag, Last-Modified, Cache-Control, Vary): a browser or cache updates its stored copy with them.
REPEATED_ON_304 = frozenset({"content-language"})  # lower case: header names have no case


def answer_changed_at(content_changed_at: datetime, today: date, now: datetime) -> datetime:
    """When an answer asked today last changed: the content's last change, or today's start in
    Copenhagen if later (an answer "for today" changes at midnight without any edit), and never
    after ``now``: the database stamps a change by its own clock, and a Last-Modified later than
    the response would be kept by caches as a date from the future (RFC 9110, 8.8.2.1)."""
    return min(max(content_changed_at, datetime.combine(today, time.min, tzinfo=COPENHAGEN)), now)


@dataclass(frozen=True)
class CachedResponse:
    """A rendered 200 response, ready to be served again."""

    content: bytes
    headers: dict[str, str]
    etag: str
    last_modified: float
    vary_language: bool

    @classmethod
    def of(cls, response: HttpResponse, changed_at: datetime) -> "CachedResponse":
        digest = hashlib.blake2b(response.content, digest_size=12).hexdigest()
        vary = response.get("Vary", "")
        return cls(
            content=response.content,
            headers={k: v for k, v in response.items() if k.lower() not in HOP_HEADERS},
            etag=f'"{digest}"',
            last_modified=changed_at.timestamp(),
            vary_language="accept-language" in vary.lower(),
        )

    def respond(self, request: HttpRequest, valid_until: datetime | None = None) -> HttpResponse:
        """The response for this request: 304 when the client has it (RFC 9110's weak
        comparison for If-None-Match, then If-Modified-Since), else the body again."""
        body = b"" if request.method == "HEAD" else self.content
        response = HttpResponse(body)
        for name, value in self.headers.items():
            response[name] = value
        response["Content-Length"] = str(len(self.content))
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        response["Cache-Control"] = CACHE_CONTROL
        expires = edge_expires(valid_until, timezone.now())
        if expires is not None:
            response["X-Accel-Expires"] = expires
        conditional = get_conditional_response(
            request, etag=self.etag, last_modified=int(self.last_modified), response=response
        )
        if conditional.status_code == 304:
            for name, value in self.headers.items():
                lowered = name.lower()
                if lowered in REPEATED_ON_304 or lowered.startswith("access-control-"):
                    conditional[name] = value
            if expires is not None:
                conditional["X-Accel-Expires"] = expires
        return conditional


def cacheable(response: HttpResponse) -> bool:
    """Only complete, cookie-free 200 answers that do not vary by cookie are kept."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
    )


responses = BoundedLRU(MAX_ENTRIES)


class PublicResponseCacheMiddleware:
    """Serves repeated GET/HEAD requests for public pages, the API and the feed from memory."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if (
            request.method not in ("GET", "HEAD")
            or not request.path.startswith(CACHEABLE_PREFIXES)
            or len(query) > MAX_QUERY_LENGTH
        ):
            return self.get_response(request)
        # The raw Host header: a host Django does not allow is refused below, and never kept.
        host = request.META.get("HTTP_HOST", "")
        content, today = current_content(), today_in_copenhagen()
        # The view answers from this very content, so the answer matches the key it is kept by.
        answer_from(request, content)
        key = (content.key, today, request.scheme, host, request.path, query)
        language = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        entry = responses.get(key) or responses.get((*key, language))
        if entry is None:
            RESPONSE_CACHE_MISSES.inc()
            response = self.get_response(request)
            if not cacheable(response):
                return response
            entry = CachedResponse.of(
                response, answer_changed_at(content.changed_at, today, timezone.now())
            )
            responses.put((*key, language) if entry.vary_language else key, entry)
        else:
            RESPONSE_CACHE_HITS.inc()
        return entry.respond(request, content.valid_until)


class HealthCheckMiddleware:
    """Answers /healthz before anything checks the Host header.

    The container's probe asks by address (http://127.0.0.1:8000/healthz), which production's
    ALLOWED_HOSTS rightly does not list. The health answer holds no links and is never cached,
    so it is safe for any Host; every other path still refuses a host that is not allowed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)
