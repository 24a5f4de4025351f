"""`make bench`: the app under gunicorn with production settings, driven by wrk on loopback.

Prints, for each URL, requests/s, p50 and p99 latency and the ratio to a static CSS file served by
the same gunicorn in the same run; then queries per request (cold and warm), bytes per page (raw
and compressed) and worker memory. Results also go to bench-results.json.
"""

import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tools.serve import gunicorn, manage, production_env

ROOT = Path(__file__).resolve().parent.parent
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = 2
URLS = [
    "/en/?date=2023-07-01",
    "/da/?date=2023-07-01",
    "/en/",
    "/en/timeline/",
    "/api/v1/status?date=2023-07-01",
    "/milestones.ics",
]
TARGET_RATIO = 0.75
TARGET_P99_MS = 25.0


def fetch(base: str, path: str, **headers) -> tuple[bytes, dict]:
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read(), dict(response.headers)


def to_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(base: str, path: str) -> dict:
    """wrk's requests/s, latency percentiles, non-2xx responses and socket errors for one URL."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", base + path]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": to_ms(percentiles["50"]),
        "p99_ms": to_ms(percentiles["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def worker_rss_mib(master_pid: int) -> list[float]:
    children = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def queries_per_request(env: dict) -> dict:
    """Database queries for each URL, cold (fresh process) and warm (the same URL again)."""
    code = f"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from guidance.content import forget_cached_content
from guidance.middleware import responses
client = Client(headers={{"host": "127.0.0.1"}})
result = {{}}
for url in {URLS!r}:
    forget_cached_content()
    responses.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts.append(len(queries))
    result[url] = {{"cold": counts[0], "warm": counts[1]}}
print(json.dumps(result))
"""
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: install it with `apt-get install wrk` (make bench does).")
    workdir = Path(tempfile.mkdtemp(prefix="eidguide-bench-"))
    env = production_env(DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}")
    manage("migrate", "--noinput", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    with gunicorn(env) as server:
        base = server.url
        page, _headers = fetch(base, "/en/?date=2023-07-01")
        css = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', page).group(1).decode()
        for path in [css, *URLS]:
            for _ in range(20):
                fetch(base, path)
        results = {"static": {"url": css, **run_wrk(base, css)}}
        for path in URLS:
            results[path] = run_wrk(base, path)
            results[path]["ratio_to_static"] = round(
                results[path]["requests_per_s"] / results["static"]["requests_per_s"], 3
            )
        rss = worker_rss_mib(server.pid)
        sizes = {}
        for path in URLS:
            raw, _headers = fetch(base, path)
            sizes[path] = {"raw": len(raw), "gzip": len(gzip.compress(raw, 6))}
        css_raw, _ = fetch(base, css)
        _css_br, css_headers = fetch(base, css, **{"Accept-Encoding": "br"})
        sizes["static"] = {
            "raw": len(css_raw),
            "served_compressed": int(css_headers.get("Content-Length", 0)),
            "encoding": css_headers.get("Content-Encoding", "identity"),
        }
    queries = queries_per_request(env)
    shutil.rmtree(workdir, ignore_errors=True)

    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "wrk": f"-t{THREADS} -c{CONNECTIONS} -d{DURATION}",
        },
        "results": results,
        "queries": queries,
        "bytes": sizes,
        "worker_rss_mib": [round(r, 1) for r in rss],
    }
    (ROOT / "bench-results.json").write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)


def print_report(report: dict) -> None:
    results = report["results"]
    static = results["static"]
    print(f"\nmachine: {report['machine']}")
    header = f"{'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'non2xx':>6} {'err':>4}"
    print(f"\n{'URL':36} {header}")
    print(
        f"{'static CSS':36} {static['requests_per_s']:9.0f} {static['p50_ms']:7.2f} "
        f"{static['p99_ms']:7.2f} {1:6.2f} {static['non_2xx']:6d} {static['socket_errors']:4d}"
    )
    failures = []
    for path in URLS:
        r = results[path]
        print(
            f"{path:36} {r['requests_per_s']:9.0f} {r['p50_ms']:7.2f} {r['p99_ms']:7.2f} "
            f"{r['ratio_to_static']:6.2f} {r['non_2xx']:6d} {r['socket_errors']:4d}"
        )
        if r["ratio_to_static"] < TARGET_RATIO:
            failures.append(f"{path}: {r['ratio_to_static']:.2f}x static (target {TARGET_RATIO})")
        if r["p99_ms"] >= TARGET_P99_MS:
            failures.append(f"{path}: p99 {r['p99_ms']:.1f} ms (target < {TARGET_P99_MS})")
        if r["non_2xx"] or r["socket_errors"]:
            failures.append(f"{path}: {r['non_2xx']} non-2xx, {r['socket_errors']} errors")
    print(f"\n{'URL':36} {'queries cold':>12} {'warm':>5} {'bytes raw':>10} {'gzip':>7}")
    for path in URLS:
        q, b = report["queries"][path], report["bytes"][path]
        print(f"{path:36} {q['cold']:12d} {q['warm']:5d} {b['raw']:10d} {b['gzip']:7d}")
        if q["warm"]:
            failures.append(f"{path}: {q['warm']} queries on a warm request (target 0)")
    css = report["bytes"]["static"]
    served = f"{css['served_compressed']} served ({css['encoding']})"
    print(f"\nstatic CSS: {css['raw']} bytes raw, {served}")
    print(f"worker RSS (MiB): {report['worker_rss_mib']}")
    print("\nall targets met" if not failures else "\ntargets missed:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
