"""The app's Prometheus metrics, summed over gunicorn's workers.

With ``PROMETHEUS_MULTIPROC_DIR`` set before this module is first imported (gunicorn.conf.py sets
it, through eidguide.multiprocess), each worker keeps its values in files there and ``/metrics``
adds them up; without it (runserver, the tests) they live in this process. This module imports
nothing from Django, so gunicorn's config can import it before the app.
"""

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

# Warm answers come from memory in about a millisecond; a cold page renders in tens.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

REQUESTS = Counter(
    "eidguide_http_requests",
    "HTTP requests answered by the app, by view (URL name), method and status code.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "eidguide_http_request_duration_seconds",
    "Time the app took to answer, by view (URL name).",
    ["view"],
    buckets=LATENCY_BUCKETS,
)
LOGIN_FAILURES = Counter(
    "eidguide_admin_login_failures", "Failed logins to the admin (wrong username or password)."
)
LOCKOUTS = Counter(
    "eidguide_admin_lockouts",
    "Admin logins refused by django-axes: a username locked out, or tried again while locked.",
)
# Set to 1 by every worker when it starts; the sum over live workers is how many serve.
WORKERS = Gauge(
    "eidguide_gunicorn_workers",
    "Gunicorn worker processes alive (the sum over live workers).",
    multiprocess_mode="livesum",
)
WORKERS_CONFIGURED = Gauge(
    "eidguide_gunicorn_workers_configured",
    "Gunicorn worker processes the server is configured to run (WEB_CONCURRENCY, TTIN, TTOU).",
    multiprocess_mode="mostrecent",
)


def worker_died(pid: int) -> None:
    """Forget a dead worker's live gauges (its counters are kept: they still add up)."""
    if shared_between_processes():
        multiprocess.mark_process_dead(pid)


def shared_between_processes() -> bool:
    """Whether prometheus-client keeps the values in shared files (it decided when imported)."""
    return values.ValueClass is not values.MutexValue


def exposition(*extra: object) -> bytes:
    """The metrics in Prometheus' text format, from all workers, with collectors run now."""
    if shared_between_processes():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        output = generate_latest(registry)
    else:
        output = generate_latest(REGISTRY)
    scrape_time = CollectorRegistry()
    for collector in extra:
        scrape_time.register(collector)
    return output + generate_latest(scrape_time)
