"""`make bench`: the app under gunicorn with production settings, with the edge (nginx, the real
template) in front, driven by wrk on loopback, all in one run.

Measures: nginx serving the stylesheet from disk (the machine's limit), every URL through the
edge, every URL straight from gunicorn (and the stylesheet through whitenoise), and cold answers
(a random date on every request, straight from gunicorn), and the app's own cost of a never-asked
date in one process, through the WSGI handler with no server (tools/miss_cost.py). Prints
requests/s, p50 and p99 and the ratios the targets are set in; then queries per request (cold and
warm), bytes per page and worker memory. Results also go to bench-results.json.
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

from tools.edge import edge, ensure_nginx
from tools.miss_cost import TARGET_MEDIAN_MS, miss_cost
from tools.serve import free_port, gunicorn, prepare, production_env

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
TARGET_EDGE_RATIO = 0.95  # every URL through the edge, against nginx's own static-file rate
TARGET_EDGE_P99_MS = 10.0
# Straight from gunicorn every answer is computed (the app keeps no responses, only the content:
# the edge keeps answers), so at 16 connections its latency is the queue (16 / throughput): no
# latency target there; the miss cost sets what one answer may cost.
TARGET_COLD_RATIO = 0.25  # a never-asked date, against the warm dated page, both from gunicorn
WARM_QUERIES = 1


def fetch(base: str, path: str, **headers) -> tuple[bytes, dict]:
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read(), dict(response.headers)


def to_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(base: str, path: str, script: Path | None = None) -> dict:
    """wrk's requests/s, latency percentiles, non-2xx responses and socket errors for one URL."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    if script:
        command += ["-s", str(script)]
    command.append(base + path)
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
from guidance.snapshot import forget
client = Client(headers={{"host": "127.0.0.1"}})
result = {{}}
for url in {URLS!r}:
    forget()
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


COLD_SCRIPT = """
-- A date never asked before (almost): a random day from 1970 to 2099 on every request.
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  local day = math.random(0, 47480)
  return wrk.format(nil, "/en/?date=" .. os.date("!%Y-%m-%d", day * 86400))
end
"""


def static_server(staticfiles: Path) -> tuple[int, str]:
    """An extra server for the edge's nginx: the stylesheet straight from disk (the machine's
    limit for an HTTP answer here)."""
    port = free_port()
    # nginx's workers run as "nobody" when the master is root: the folder (made private by
    # mkdtemp) must be theirs to read.
    staticfiles.chmod(0o755)
    block = f"""
server {{
    listen 127.0.0.1:{port};
    access_log off;
    location /static/ {{
        alias {staticfiles}/;
    }}
}}
"""
    return port, block


def measure(label: str, base: str, path: str, script: Path | None = None) -> dict:
    result = run_wrk(base, path, script)
    print(
        f"  {label:10} {path:36} {result['requests_per_s']:9.0f} req/s  "
        f"p50 {result['p50_ms']:6.2f}  p99 {result['p99_ms']:6.2f} ms",
        flush=True,
    )
    return result


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: install it with `apt-get install wrk` (make bench does).")
    reason = ensure_nginx()
    if reason:
        raise SystemExit(reason)
    workdir = Path(tempfile.mkdtemp(prefix="eidguide-bench-"))
    env = production_env(DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}", PROXY_COUNT="1")
    prepare(env)
    cold_script = workdir / "cold.lua"
    cold_script.write_text(COLD_SCRIPT)
    disk_port, disk_block = static_server(Path(env["STATIC_ROOT"]))
    with (
        gunicorn(env) as server,
        edge([server.url.removeprefix("http://")], disk_block, workers="auto") as front,
    ):
        base, disk = server.url, f"http://127.0.0.1:{disk_port}"
        page, _headers = fetch(base, "/en/?date=2023-07-01")
        css = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', page).group(1).decode()
        for path in [css, *URLS]:
            for _ in range(20):
                fetch(base, path)
                fetch(front.url, path)
        fetch(disk, css)
        print(f"wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}")
        results = {
            "nginx_static": {"url": css, **measure("disk", disk, css)},
            "static": {"url": css, **measure("gunicorn", base, css)},
            "edge": {},
            "gunicorn": {},
        }
        for path in URLS:
            results["edge"][path] = measure("edge", front.url, path)
        for path in URLS:
            results["gunicorn"][path] = measure("gunicorn", base, path)
        cold = measure("cold", base, "/en/", cold_script)
        results["cold"] = {"url": "/en/?date=<random>", **cold}
        limit = results["nginx_static"]["requests_per_s"]
        for path in URLS:
            results["edge"][path]["ratio_to_nginx_static"] = round(
                results["edge"][path]["requests_per_s"] / limit, 3
            )
            results["gunicorn"][path]["ratio_to_static"] = round(
                results["gunicorn"][path]["requests_per_s"] / results["static"]["requests_per_s"],
                3,
            )
        warm = results["gunicorn"]["/en/?date=2023-07-01"]["requests_per_s"]
        results["cold"]["ratio_to_warm"] = round(results["cold"]["requests_per_s"] / warm, 3)
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
    results["miss_cost"] = miss_cost(env)  # after the servers: the process has the cores to itself
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
    header = f"{'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'non2xx':>6} {'err':>4}"

    def row(label: str, r: dict, ratio: float) -> str:
        return (
            f"{label:44} {r['requests_per_s']:9.0f} {r['p50_ms']:7.2f} {r['p99_ms']:7.2f} "
            f"{ratio:6.2f} {r['non_2xx']:6d} {r['socket_errors']:4d}"
        )

    print(f"\nmachine: {report['machine']}")
    print(f"\n{'through the edge (ratio to nginx static)':44} {header}")
    print(row("nginx: stylesheet from disk", results["nginx_static"], 1))
    failures = []
    for path, r in results["edge"].items():
        print(row(path, r, r["ratio_to_nginx_static"]))
        if r["ratio_to_nginx_static"] < TARGET_EDGE_RATIO:
            failures.append(f"edge {path}: {r['ratio_to_nginx_static']:.2f}x nginx static")
        if r["p99_ms"] >= TARGET_EDGE_P99_MS:
            failures.append(f"edge {path}: p99 {r['p99_ms']:.1f} ms")
        if r["non_2xx"] or r["socket_errors"]:
            failures.append(f"edge {path}: {r['non_2xx']} non-2xx, {r['socket_errors']} errors")
    print(f"\n{'straight from gunicorn (ratio to its static)':44} {header}")
    print(row("gunicorn+whitenoise: stylesheet", results["static"], 1))
    for path, r in results["gunicorn"].items():
        print(row(path, r, r["ratio_to_static"]))
        if r["non_2xx"] or r["socket_errors"]:
            failures.append(f"gunicorn {path}: {r['non_2xx']} non-2xx, {r['socket_errors']} errors")
    cold = results["cold"]
    print(f"\n{'cold answers (ratio to the warm dated page)':44} {header}")
    print(row(cold["url"], cold, cold["ratio_to_warm"]))
    if cold["ratio_to_warm"] < TARGET_COLD_RATIO:
        failures.append(f"cold: {cold['ratio_to_warm']:.2f}x warm (target {TARGET_COLD_RATIO})")
    print(f"\n{'URL':36} {'queries cold':>12} {'warm':>5} {'bytes raw':>10} {'gzip':>7}")
    for path in URLS:
        q, b = report["queries"][path], report["bytes"][path]
        print(f"{path:36} {q['cold']:12d} {q['warm']:5d} {b['raw']:10d} {b['gzip']:7d}")
        # A warm request reads the content version, one query by primary key (guidance.snapshot).
        if q["warm"] != WARM_QUERIES:
            failures.append(f"{path}: {q['warm']} queries on a warm request (target 1)")
    css = report["bytes"]["static"]
    served = f"{css['served_compressed']} served ({css['encoding']})"
    print(f"\nstatic CSS: {css['raw']} bytes raw, {served}")
    print(f"worker RSS (MiB): {report['worker_rss_mib']}")
    miss = results["miss_cost"]
    print(
        f"\nmiss cost in process ({miss['url']}, {miss['requests']} requests through the WSGI "
        f"handler): median {miss['median_ms']:.2f} ms, p99 {miss['p99_ms']:.2f} ms "
        f"(target median <= {TARGET_MEDIAN_MS} ms)"
    )
    if miss["median_ms"] > TARGET_MEDIAN_MS:
        failures.append(f"miss cost: median {miss['median_ms']:.2f} ms (target {TARGET_MEDIAN_MS})")
    print("\nall targets met" if not failures else "\ntargets missed:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
