"""Gunicorn settings, tuned for a container (gunicorn reads this file from the working folder).

Environment: PORT (8000), WEB_CONCURRENCY (worker processes; default 2 a core, at least 2),
GUNICORN_TIMEOUT (30 s).

Sync workers: each request is its own connection, so the kernel spreads the load evenly over the
workers (with keep-alive threads, a busy client sticks to one worker and the others idle), and
the answers are served from memory in about a millisecond. Run it behind a buffering proxy or
load balancer, as the container is meant to be.
"""

import logging
import os
from pathlib import Path

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, 2 * (os.cpu_count() or 1))))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 8  # SIGTERM: finish requests in flight, then exit well within 10 s
preload_app = True  # load Django once; workers share the memory
# Heartbeat files in memory, not on a (possibly read-only or slow) disk; /tmp where /dev/shm is
# missing or not writable.
SHM = Path("/dev/shm")  # noqa: S108
worker_tmp_dir = str(SHM) if SHM.is_dir() and os.access(SHM, os.W_OK) else None
# Requests larger than this are refused before Django sees them.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'


class SkipHealthChecks(logging.Filter):
    """Health probes every few seconds are noise in the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "GET /healthz " not in record.getMessage()


def on_starting(server) -> None:
    """Attach the health-check filter to the access log."""
    logging.getLogger("gunicorn.access").addFilter(SkipHealthChecks())
