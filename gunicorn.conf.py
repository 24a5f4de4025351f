"""Gunicorn settings, tuned for a container (gunicorn reads this file from the working folder).

Environment: PORT (8000), WEB_CONCURRENCY (worker processes; default two for each CPU the process
may use, by its CPU affinity and its cgroup's quota, at least 2), GUNICORN_TIMEOUT (30 s).

Sync workers: each request is its own connection, so the kernel spreads the load evenly over the
workers (with keep-alive threads, a busy client sticks to one worker and the others idle), and
the answers are served from memory in about a millisecond. Run it behind the edge
(`edge/default.conf.template`), which buffers slow clients so they never hold a worker.
"""

import logging
import math
import os
from pathlib import Path

from eidguide import multiprocess

# Metrics: the workers share their Prometheus values in files under /tmp (PROMETHEUS_MULTIPROC_DIR,
# emptied now, before the app and prometheus-client are loaded; when it is unset, a fresh folder,
# removed when the server exits).
multiprocess.prepare_multiprocess_dir()

CGROUP_ROOT = Path("/sys/fs/cgroup")


def cgroup_cpu_limit(root: Path = CGROUP_ROOT, membership: Path = Path("/proc/self/cgroup")):
    """The CPUs a cgroup v2 quota (`cpu.max`) allows this process, rounded up; None if unlimited.

    The tightest quota of the process's cgroup and its parents counts (a container's limit may
    be set on a parent)."""
    try:
        line = next(x for x in membership.read_text().splitlines() if x.startswith("0::"))
    except (OSError, StopIteration):
        return None
    group = root / line[3:].strip().lstrip("/")
    limits = []
    for folder in (group, *group.parents):
        try:
            quota, period = (folder / "cpu.max").read_text().split()
        except (OSError, ValueError):
            quota = "max"
        if quota != "max":
            limits.append(math.ceil(int(quota) / int(period)))
        if folder == root:
            break
    return min(limits) if limits else None


def available_cpus() -> int:
    """The CPUs this process may use: its affinity mask, capped by a cgroup quota."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    limit = cgroup_cpu_limit()
    return max(1, min(cpus or 1, limit or cpus or 1))


def default_workers() -> int:
    """Two sync workers a usable CPU, at least two."""
    return max(2, 2 * available_cpus())


bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
worker_class = "sync"
# gunicorn 25+ opens a control socket for `gunicornc` in $XDG_RUNTIME_DIR or ~/.gunicorn: it fails
# in a read-only container and collides between instances on one host. Nothing here uses it.
control_socket_disable = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 8  # SIGTERM: finish requests in flight, then exit well within 10 s
preload_app = True  # load Django once; workers share the memory
# Heartbeat files in memory, not on a (possibly read-only or slow) disk; /tmp where /dev/shm is
# missing or not writable.
SHM = Path("/dev/shm")  # noqa: S108
worker_tmp_dir = str(SHM) if SHM.is_dir() and os.access(SHM, os.W_OK) else None
# gunicorn's own limits (its refusals are bare HTML) sit above the edge's and the app's, so those
# refuse first, in the site's and the API's own shapes: a request line of up to 8,190 bytes
# (the edge refuses 8 KB and more with 414; the app a query of over 2,048 characters), 200
# headers (the app refuses over 100 with 431), a header line of up to 32 KB (the app refuses a
# value over 8,192 characters with 431; the edge refuses a line of 8 KB and 17 KB of headers in
# all, but passes on the lines of a header sent twice joined into one).
limit_request_line = 8190
limit_request_fields = 200
limit_request_field_size = 32768

# Logs: one JSON object a line on stdout (eidguide.logs), gunicorn's own and the access log; an
# access line carries the request id (the edge's X-Request-ID, or the one the app made).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '"%(r)s" %(s)s'  # the message; the fields come from eidguide.logs
_LOG_FORMATTER = "json" if os.environ.get("LOG_FORMAT", "json") == "json" else "plain"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrapes": {"()": "eidguide.logs.SkipScrapes"}},
    "formatters": {
        "json": {"()": "eidguide.logs.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": _LOG_FORMATTER,
        },
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": _LOG_FORMATTER,
            "filters": ["scrapes"],
        },
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
}


class SkipHealthChecks(logging.Filter):
    """Health probes every few seconds are noise in the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "GET /healthz " not in record.getMessage()


def on_starting(server) -> None:
    """Attach the health-check filter to the access log."""
    logging.getLogger("gunicorn.access").addFilter(SkipHealthChecks())


def post_fork(server, worker) -> None:
    """A worker counts itself among the live ones (eidguide_gunicorn_workers)."""
    from eidguide import metrics

    metrics.WORKERS.set(1)


def nworkers_changed(server, new_value, old_value) -> None:
    """The configured number of workers, for eidguide_gunicorn_workers_configured."""
    from eidguide import metrics

    metrics.WORKERS_CONFIGURED.set(new_value)


def child_exit(server, worker) -> None:
    """A dead worker no longer counts as live (prometheus-client's multiprocess bookkeeping)."""
    from eidguide import metrics

    metrics.worker_died(worker.pid)
