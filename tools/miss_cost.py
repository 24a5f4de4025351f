"""The app's own time for a never-asked date: `GET /en/?date=<a day not asked before>` through
Django's WSGI handler (every middleware), in one process, with production settings on a migrated
SQLite database. No server, no network: what is left is the app's cost of a cache miss.

`python -m tools.miss_cost` prepares a database and the static files in a temporary folder and
prints the median and p99 in ms; `make bench` runs the same measurement (``miss_cost``).
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "eid.example.dk"
REQUESTS = 400
WARM_UP = 100
TARGET_MEDIAN_MS = 2.0  # a never-asked date costs at most 2 ms of the app's time
FIRST_DAY, LAST_DAY = date(1950, 1, 1), date(2086, 12, 31)


def environ(path: str, query: str) -> dict:
    """A plain GET as a server hands it to the application."""
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": HOST,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def never_asked_days(count: int, seed: int = 2023) -> list[date]:
    """``count`` different days between 1950 and 2086, in random order."""
    chosen = random.Random(seed)  # noqa: S311  (a repeatable sample of days, not a secret)
    span = (LAST_DAY - FIRST_DAY).days + 1
    return [FIRST_DAY + timedelta(days=n) for n in chosen.sample(range(span), count)]


def measure_here(requests: int = REQUESTS, warm_up: int = WARM_UP) -> dict:
    """Median and p99 (ms) of ``requests`` never-asked dates, after ``warm_up`` others, in this
    (configured) process."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    statuses = []

    def start_response(status, *_headers):
        statuses.append(status)

    def get(day: date) -> tuple[float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        body = handler(environ("/en/", f"date={day.isoformat()}"), start_response)
        b"".join(body)
        body.close()
        return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000

    days = never_asked_days(warm_up + requests)
    for day in days[:warm_up]:
        get(day)
    wall, cpu = zip(*(get(day) for day in days[warm_up:]), strict=True)
    if set(statuses) != {"200 OK"}:
        raise RuntimeError(f"not every answer was 200: {sorted(set(statuses))}")
    return {
        "url": "/en/?date=<never asked>",
        "requests": requests,
        "median_ms": median(wall),
        "p99_ms": p99(wall),
        # CPU time: what the app spent itself, which other work on the machine disturbs less.
        "cpu_median_ms": median(cpu),
        "cpu_p99_ms": p99(cpu),
        "target_median_ms": TARGET_MEDIAN_MS,
    }


def median(times: list[float]) -> float:
    return round(statistics.median(times), 3)


def p99(times: list[float]) -> float:
    ordered = sorted(times)
    return round(ordered[min(len(ordered) - 1, round(len(ordered) * 0.99))], 3)


def miss_cost(env: dict) -> dict:
    """The measurement in a fresh process with ``env`` (a prepared production environment)."""
    env = {**env, "ALLOWED_HOSTS": HOST, "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING"}
    output = subprocess.run(
        [sys.executable, "-m", "tools.miss_cost", "--here"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:] == ["--here"]:
        print(json.dumps(measure_here()))
        return
    from tools.serve import prepare, production_env

    with tempfile.TemporaryDirectory(prefix="eidguide-miss-") as folder:
        env = production_env(DATABASE_URL=f"sqlite:///{Path(folder) / 'miss.sqlite3'}")
        prepare(env)
        result = miss_cost(env)
    met = "met" if result["median_ms"] <= TARGET_MEDIAN_MS else "MISSED"
    print(
        f"miss cost in process, {result['url']}: median {result['median_ms']:.2f} ms, "
        f"p99 {result['p99_ms']:.2f} ms over {result['requests']} requests "
        f"(target median <= {TARGET_MEDIAN_MS} ms: {met}); CPU median "
        f"{result['cpu_median_ms']:.2f} ms, p99 {result['cpu_p99_ms']:.2f} ms"
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eidguide.settings")
    main()
