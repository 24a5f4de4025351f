"""What an operator watches: the request id on every log line, request metrics, the admin's
failed logins and lockouts, and ``/metrics`` for Prometheus.

``/metrics`` is served only to requests that came straight in (Prometheus scrapes a pod by its
address): one that carries a proxy's forwarding header is public, and never gets it.
"""

import logging
import time
from datetime import UTC, datetime

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import GaugeMetricFamily

from eidguide import metrics
from eidguide.logs import REQUEST_ID_HEADER, current_request_id, request_id_from
from guidance.models import ContentVersion

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
UNRESOLVED = "<unresolved>"
STATIC = "static"
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
# Any other method is counted as "other", so made-up methods cannot grow the metrics.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def view_name(request: HttpRequest) -> str:
    """The URL name the request was answered by (``advice``, ``api-status``, ``admin:index``...):
    static files are ``static``; anything not resolved shares one name, so a scan cannot grow
    the metrics."""
    if request.path_info.startswith(settings.STATIC_URL):
        return STATIC
    match = request.resolver_match
    return (match.view_name if match else None) or UNRESOLVED


class ContentVersionCollector:
    """The published guidance's version and how long ago it changed, read when Prometheus
    scrapes (from the database, which keeps both)."""

    def collect(self):
        try:
            row = ContentVersion.objects.filter(pk=1).first()
        except Exception:  # a scrape must still answer while the database is down
            logger.warning(
                "content version not measured: the database did not answer", exc_info=True
            )
            return
        yield GaugeMetricFamily(
            "eidguide_content_version",
            "The published guidance's version (one up each edit).",
            value=row.number if row else 0,
        )
        if row is None or row.changed_at is None:
            return
        yield GaugeMetricFamily(
            "eidguide_content_version_age_seconds",
            "Seconds since the published guidance (the content version) last changed.",
            value=(datetime.now(UTC) - row.changed_at).total_seconds(),
        )
        yield GaugeMetricFamily(
            "eidguide_content_last_changed_timestamp_seconds",
            "When the published guidance last changed (Unix time).",
            value=row.changed_at.timestamp(),
        )


class ObservabilityMiddleware:
    """Request id, request count and latency for every answer; ``/metrics`` for Prometheus."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.metrics_enabled = settings.METRICS_ENABLED

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.META.get("HTTP_X_REQUEST_ID")
        request_id = request_id_from(sent)
        token = current_request_id.set(request_id)
        try:
            if (
                request.path_info == METRICS_PATH
                and self.metrics_enabled
                and request.method in ("GET", "HEAD")
                and not any(request.META.get(header) for header in PROXY_HEADERS)
            ):
                exposition = metrics.exposition(ContentVersionCollector())
                response = HttpResponse(exposition, content_type=CONTENT_TYPE_LATEST)
            else:
                response = self.measured(request)
            # An id the app made is answered, so the client can quote it. One the edge sent is
            # not: the edge answers it itself, and a copy in the response would be kept in its
            # cache and answered again with later requests.
            if request_id != sent:
                response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            current_request_id.reset(token)

    def measured(self, request: HttpRequest) -> HttpResponse:
        """The app's answer, timed and counted by view, method and status."""
        start = time.perf_counter()
        response = self.get_response(request)
        view = view_name(request)
        metrics.LATENCY.labels(view).observe(time.perf_counter() - start)
        method = request.method if request.method in METHODS else "other"
        metrics.REQUESTS.labels(view, method, str(response.status_code)).inc()
        return response


@receiver(user_login_failed, dispatch_uid="eidguide.metrics.login_failed")
def count_login_failure(**kwargs) -> None:
    """Counts a failed admin login (the signal's arguments are not needed)."""
    metrics.LOGIN_FAILURES.inc()


@receiver(user_locked_out, dispatch_uid="eidguide.metrics.locked_out")
def count_lockout(**kwargs) -> None:
    """Counts a login django-axes refused."""
    metrics.LOCKOUTS.inc()
