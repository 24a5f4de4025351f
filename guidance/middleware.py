"""Repeated public answers served from memory, with conditional GET.

A public page or API answer depends only on its URL (with the host and scheme it was asked on, as
pages carry absolute links), the content version (which changes when staff edit anything), today's
date in Copenhagen (for answers "for today"), and, where the response says
``Vary: Accept-Language``, the visitor's languages. This middleware keeps the rendered responses
under exactly that key in a bounded in-process LRU, so a warm request needs no database query, no
form parsing and no template rendering. It sits inside the security, CSP and static-file
middleware, which still add their headers to every response.
"""

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

from eidguide.metrics import RESPONSE_CACHE_HITS, RESPONSE_CACHE_MISSES
from guidance.content import content_version
from guidance.dates import today_in_copenhagen

CACHEABLE_PREFIXES = ("/en/", "/da/", "/api/v1/", "/milestones.ics")
MAX_ENTRIES = 1024
MAX_QUERY_LENGTH = 512
# Proxies and browsers may keep every answer but must ask again each time; the ETag answers
# "not modified" until staff change the data (or, for today's answer, until Copenhagen midnight,
# since the date is part of the key and so of the ETag).
CACHE_CONTROL = "public, no-cache"
HOP_HEADERS = {"content-length", "etag", "cache-control"}


@dataclass(frozen=True)
class CachedResponse:
    """A rendered 200 response, ready to be served again."""

    content: bytes
    headers: dict[str, str]
    etag: str
    vary_language: bool

    @classmethod
    def of(cls, response: HttpResponse) -> "CachedResponse":
        digest = hashlib.blake2b(response.content, digest_size=12).hexdigest()
        vary = response.get("Vary", "")
        return cls(
            content=response.content,
            headers={k: v for k, v in response.items() if k.lower() not in HOP_HEADERS},
            etag=f'"{digest}"',
            vary_language="accept-language" in vary.lower(),
        )

    def respond(self, request: HttpRequest) -> HttpResponse:
        """The response for this request: 304 when the client has it, else the body again."""
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match and (self.etag in parse_etags(if_none_match) or if_none_match == "*"):
            response = HttpResponseNotModified()
            for name in ("Vary", "Content-Language"):
                if value := self.headers.get(name):
                    response[name] = value
        else:
            body = b"" if request.method == "HEAD" else self.content
            response = HttpResponse(body)
            for name, value in self.headers.items():
                response[name] = value
            response["Content-Length"] = str(len(self.content))
        response["ETag"] = self.etag
        response["Cache-Control"] = CACHE_CONTROL
        return response


def cacheable(response: HttpResponse) -> bool:
    """Only complete, cookie-free 200 answers that do not vary by cookie are kept."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
    )


class ResponseCache:
    """A bounded, thread-safe LRU of rendered responses."""

    def __init__(self, size: int = MAX_ENTRIES):
        self.size = size
        self.entries: OrderedDict[tuple, CachedResponse] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple) -> CachedResponse | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: CachedResponse) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


responses = ResponseCache()


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
        key = (content_version(), today_in_copenhagen(), request.scheme, host, request.path, query)
        language = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        entry = responses.get(key) or responses.get((*key, language))
        if entry is None:
            RESPONSE_CACHE_MISSES.inc()
            response = self.get_response(request)
            if not cacheable(response):
                return response
            entry = CachedResponse.of(response)
            responses.put((*key, language) if entry.vary_language else key, entry)
        else:
            RESPONSE_CACHE_HITS.inc()
        return entry.respond(request)
