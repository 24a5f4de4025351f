"""What an operator watches: /metrics (inside only), the request id, JSON logs."""

import functools
import importlib.util
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, override_settings
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from eidguide import observability
from eidguide.logs import JsonFormatter, RequestIdFilter, current_request_id
from tools.serve import ROOT, gunicorn, prepare, production_env

pytestmark = pytest.mark.django_db

NGINX_REQUEST_ID = "0f3a9c1e5b7d4a2f8e6c0b1d3f5a7c9e"


def scrape_client(**headers) -> Client:
    """Prometheus: plain HTTP to the pod's address, no proxy in between."""
    return Client(headers={"host": "10.1.2.3:8000", **headers})


def public_client(**headers) -> Client:
    """A visitor through the edge: HTTPS at the edge, X-Forwarded-For and a request id added."""
    return Client(
        headers={
            "host": "testserver",
            "x-forwarded-proto": "https",
            "x-forwarded-for": "198.51.100.7",
            **headers,
        }
    )


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scraped(client: Client | None = None) -> dict[str, list]:
    response = (client or scrape_client()).get("/metrics")
    assert response.status_code == 200
    families = text_string_to_metric_families(response.content.decode())
    return {family.name: family.samples for family in families}


# /metrics ----------------------------------------------------------------------------------------


def test_metrics_answer_a_scrape_by_the_pods_address_over_plain_http():
    response = scrape_client().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "# TYPE eidguide_http_requests_total counter" in response.content.decode()
    head = scrape_client().head("/metrics")
    assert head.status_code == 200
    assert head["Content-Type"] == response["Content-Type"]


def test_metrics_are_not_served_to_a_request_that_came_through_the_edge():
    response = public_client().get("/metrics")
    assert response.status_code == 404
    assert b"eidguide_http_requests" not in response.content


@pytest.mark.parametrize("header", ["forwarded", "x-real-ip"])
def test_metrics_are_not_served_behind_any_kind_of_proxy(header):
    response = scrape_client(**{header: "for=198.51.100.7"}).get("/metrics")
    assert response.status_code != 200
    assert b"eidguide_http_requests" not in response.content


def test_metrics_are_not_served_when_switched_off():
    with override_settings(METRICS_ENABLED=False):
        response = scrape_client().get("/metrics")
    assert response.status_code != 200
    assert b"eidguide_http_requests" not in response.content


def test_requests_are_counted_by_view_and_status():
    labels = {"view": "advice", "method": "GET", "status": "200"}
    before = sample("eidguide_http_requests_total", **labels)
    public_client().get("/en/?date=2023-07-01")
    assert sample("eidguide_http_requests_total", **labels) == before + 1


def test_unknown_addresses_share_one_view_name():
    labels = {"view": "<unresolved>", "method": "GET", "status": "404"}
    before = sample("eidguide_http_requests_total", **labels)
    public_client().get("/no-such-page-1")
    public_client().get("/no-such-page-2")
    assert sample("eidguide_http_requests_total", **labels) == before + 2


def test_static_files_are_counted_as_static(collected_static):
    css = next((collected_static / "css").glob("site.*.css")).name
    before = sample("eidguide_http_requests_total", view="static", method="GET", status="200")
    assert public_client().get(f"/static/css/{css}").status_code == 200
    after = sample("eidguide_http_requests_total", view="static", method="GET", status="200")
    assert after == before + 1


def test_made_up_methods_are_counted_as_other():
    before = sample("eidguide_http_requests_total", view="advice", method="other", status="405")
    public_client().generic("BREW", "/en/")
    after = sample("eidguide_http_requests_total", view="advice", method="other", status="405")
    assert after == before + 1


def test_latency_is_observed_for_cached_and_rendered_answers():
    before = sample("eidguide_http_request_duration_seconds_count", view="api-status")
    public_client().get("/api/v1/status?date=2023-07-01")
    public_client().get("/api/v1/status?date=2023-07-01")
    assert sample("eidguide_http_request_duration_seconds_count", view="api-status") == before + 2
    assert sample("eidguide_http_request_duration_seconds_bucket", view="api-status", le="+Inf")


def test_latency_is_the_time_the_answer_took(monkeypatch):
    ticks = iter([1000.0, 1000.25])  # perf_counter at the request's start and at its answer
    monkeypatch.setattr(observability, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    series = "eidguide_http_request_duration_seconds"
    before = {
        "sum": sample(f"{series}_sum", view="api-status"),
        "0.25": sample(f"{series}_bucket", view="api-status", le="0.25"),
        "0.1": sample(f"{series}_bucket", view="api-status", le="0.1"),
    }
    public_client().get("/api/v1/status?date=2023-07-01")
    assert sample(f"{series}_sum", view="api-status") == before["sum"] + 0.25
    assert sample(f"{series}_bucket", view="api-status", le="0.25") == before["0.25"] + 1
    assert sample(f"{series}_bucket", view="api-status", le="0.1") == before["0.1"]


def test_failed_logins_and_lockouts_are_counted():
    User.objects.create_superuser("admin", "admin@example.org", "a-long-test-password-1")
    failures = sample("eidguide_admin_login_failures_total")
    lockouts = sample("eidguide_admin_lockouts_total")
    client = Client(headers={"x-forwarded-proto": "https", "host": "testserver"})
    for _ in range(4):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    assert sample("eidguide_admin_lockouts_total") == lockouts
    client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    assert sample("eidguide_admin_login_failures_total") == failures + 5
    assert sample("eidguide_admin_lockouts_total") == lockouts + 1


def test_content_version_and_its_age_are_measured_when_scraped():
    families = scraped()
    (version,) = families["eidguide_content_version"]
    (age,) = families["eidguide_content_version_age_seconds"]
    (changed,) = families["eidguide_content_last_changed_timestamp_seconds"]
    assert version.value >= 1  # the seed data
    assert age.value >= 0
    assert abs(time.time() - age.value - changed.value) < 60


def test_an_edit_is_a_new_content_version():
    from guidance.models import Milestone

    before = scraped()["eidguide_content_version"][0].value
    Milestone.objects.first().save()
    assert scraped()["eidguide_content_version"][0].value > before


def test_the_content_metrics_say_what_they_measure():
    text = scrape_client().get("/metrics").content.decode()
    for line in (
        "# HELP eidguide_content_version The published guidance's version (one up each edit).",
        "# HELP eidguide_content_version_age_seconds Seconds since the published guidance "
        "(the content version) last changed.",
        "# HELP eidguide_content_last_changed_timestamp_seconds When the published guidance "
        "last changed (Unix time).",
    ):
        assert line in text.splitlines()


def unreachable(execute, sql, params, many, context):
    """A database that does not answer (a query wrapper, connection.execute_wrapper)."""
    raise OSError("database unreachable")


def test_an_unmeasured_content_version_is_logged_with_its_cause(caplog):
    with caplog.at_level(logging.WARNING), connection.execute_wrapper(unreachable):
        assert scrape_client().get("/metrics").status_code == 200
    (record,) = [r for r in caplog.records if "content version" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "content version not measured: the database did not answer"
    assert "OSError: database unreachable" in formatted(record)["exc_info"]


def test_a_scrape_still_answers_while_the_database_is_down(caplog):
    with connection.execute_wrapper(unreachable):
        families = scraped()
    assert "eidguide_content_version_age_seconds" not in families
    assert "eidguide_http_requests" in families
    assert "content version not measured" in caplog.text


def test_metrics_scrapes_are_not_counted_as_requests():
    before = sample("eidguide_http_requests_total", view="<unresolved>", method="GET", status="200")
    scraped()
    after = sample("eidguide_http_requests_total", view="<unresolved>", method="GET", status="200")
    assert after == before


# The request id ----------------------------------------------------------------------------------


def test_the_request_id_from_the_edge_is_left_for_the_edge_to_answer():
    # The edge answers its id itself; a copy from the app would be kept in the edge's cache and
    # answered again with later requests, and doubled in every answer.
    for _ in range(2):
        response = public_client(x_request_id=NGINX_REQUEST_ID).get("/en/?date=2023-07-01")
        assert response.status_code == 200
        assert "X-Request-ID" not in response


def test_a_request_without_an_id_gets_a_new_one():
    first = public_client().get("/en/?date=2023-07-01")
    second = public_client().get("/en/?date=2023-07-01")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize("sent", ["", "has space", "x" * 200, '{"json": 1}', "-starts-with-dash"])
def test_an_unsound_request_id_is_replaced(sent):
    response = public_client(x_request_id=sent).get("/api/v1/status?date=2023-07-01")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_refused_requests_carry_a_request_id_too():
    response = public_client().get("/en/?" + "a=1&" * 600)
    assert response.status_code == 414
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_the_request_id_is_on_the_log_lines_of_its_request(caplog):
    handler_filter = RequestIdFilter()
    caplog.handler.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.ERROR, logger="django.security.DisallowedHost"):
            public_client(host="evil.example", x_request_id=NGINX_REQUEST_ID).get("/en/")
    finally:
        caplog.handler.removeFilter(handler_filter)
    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.request_id == NGINX_REQUEST_ID
    assert current_request_id.get() is None  # and not on the lines after it


# JSON logs ---------------------------------------------------------------------------------------


def formatted(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_an_app_log_line_is_one_json_object_with_the_request_id():
    token = current_request_id.set(NGINX_REQUEST_ID)
    try:
        record = logging.LogRecord(
            "guidance", logging.WARNING, __file__, 1, "hi %s", ("you",), None
        )
        line = formatted(record)
    finally:
        current_request_id.reset(token)
    assert line["level"] == "WARNING"
    assert line["logger"] == "guidance"
    assert line["message"] == "hi you"
    assert line["request_id"] == NGINX_REQUEST_ID
    assert line["time"].startswith(str(time.gmtime().tm_year))


def test_a_request_id_given_with_the_record_is_kept():
    token = current_request_id.set("the-current-one")
    try:
        record = logging.LogRecord("guidance", logging.INFO, __file__, 1, "hi", (), None)
        record.request_id = "given-with-the-record"
        assert formatted(record)["request_id"] == "given-with-the-record"
    finally:
        current_request_id.reset(token)


def test_the_request_object_django_logs_with_is_not_a_field():
    from django.test import RequestFactory

    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found", (), None
    )
    record.request = RequestFactory().get("/nothing")
    record.status_code = 404
    line = formatted(record)
    assert "request" not in line
    assert line["status_code"] == 404


def test_an_error_keeps_its_traceback_inside_the_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = formatted(record)
    assert "ValueError: boom" in line["exc_info"]


@functools.cache
def gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def access_line(
    path: str = "/en/",
    query: str = "date=2023-07-01",
    request_headers: tuple = (),
    response_headers: tuple = (),
    sent: int | None = 5120,
    **environ,
) -> dict | None:
    """The JSON line gunicorn's access log writes for one request (None: the line is skipped):
    gunicorn's own atoms and message, the project's formatter and filter (gunicorn.conf.py)."""
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger, SafeAtoms

    from eidguide.logs import SkipScrapes

    class Atoms(Logger):
        def __init__(self):  # gunicorn's atoms, without configuring this process's logging
            self.cfg = Config()

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}" if query else path,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.9",
        **environ,
    }
    response = SimpleNamespace(status="200 OK", sent=sent, headers=list(response_headers))
    request = SimpleNamespace(headers=list(request_headers))
    atoms = SafeAtoms(Atoms().atoms(response, request, environ, timedelta(microseconds=12345)))
    message = gunicorn_conf().access_log_format
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, message, (atoms,), None
    )
    if not SkipScrapes().filter(record):
        return None
    line = formatted(record)
    assert line["message"] == f'"GET {environ["RAW_URI"]} HTTP/1.1" 200'
    return line


def test_an_access_line_has_the_requests_facts_as_fields():
    line = access_line(
        request_headers=(("X-REQUEST-ID", "from-the-edge"), ("X-FORWARDED-FOR", "198.51.100.7")),
        response_headers=(("Content-Type", "text/html"),),
        HTTP_USER_AGENT='Mozilla/5.0 "quoted"',
    )
    assert line["logger"] == "gunicorn.access"
    assert line["level"] == "INFO"
    assert {k: line[k] for k in ACCESS_FIELDS} == {
        "request_id": "from-the-edge",
        "method": "GET",
        "path": "/en/",
        "query": "date=2023-07-01",
        "status": 200,
        "bytes": 5120,
        "duration_ms": 12.345,
        "remote_addr": "10.0.0.9",
        "forwarded_for": "198.51.100.7",
        "user_agent": 'Mozilla/5.0 "quoted"',
    }


ACCESS_FIELDS = (
    "request_id",
    "method",
    "path",
    "query",
    "status",
    "bytes",
    "duration_ms",
    "remote_addr",
    "forwarded_for",
    "user_agent",
)


def test_the_access_line_carries_the_id_the_app_answered():
    # A request that came without a sound id: the app made one and answered it.
    line = access_line(
        request_headers=(("X-REQUEST-ID", "has space"),),
        response_headers=(("X-Request-ID", NGINX_REQUEST_ID),),
    )
    assert line["request_id"] == NGINX_REQUEST_ID


def test_what_gunicorn_does_not_know_is_null_in_the_access_line():
    line = access_line(query="", sent=None, REMOTE_ADDR="-")
    assert line["query"] == ""
    assert line["status"] == 200
    missing = ("request_id", "bytes", "remote_addr", "forwarded_for", "user_agent")
    assert {k: line[k] for k in missing} == dict.fromkeys(missing)


def test_prometheus_scrapes_are_left_out_of_the_access_log():
    assert access_line("/metrics", query="") is None
    assert access_line("/metrics", query="name[]=x") is not None  # not what Prometheus asks
    assert access_line("/metrics-and-more", query="")["path"] == "/metrics-and-more"


def test_an_app_log_line_with_a_dict_argument_gets_no_access_fields():
    record = logging.LogRecord(
        "guidance", logging.INFO, __file__, 1, "%(what)s", ({"what": "m", "s": "200"},), None
    )
    line = formatted(record)
    assert line["message"] == "m"
    assert not set(ACCESS_FIELDS) & set(line) - {"request_id"}


# Under gunicorn, as in production ----------------------------------------------------------------


@pytest.fixture
def gunicorn_with_log(tmp_path):
    """Gunicorn (the project's config, 2 workers) on SQLite, its stdout in a file we read."""
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="info",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env["TMPDIR"] = str(tmp_path)
    prepare(env)
    log_path = tmp_path / "stdout.log"
    with gunicorn(env, log=log_path) as server:
        yield server.url, log_path, server.process, tmp_path


def children(pid: int) -> list[int]:
    """The processes a process started (gunicorn's master: its workers)."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def log_lines(path: Path, seconds: float = 10) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def wait_for_line(path: Path, predicate, seconds: float = 15) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in log_lines(path):
            if predicate(line):
                return line
        time.sleep(0.1)
    raise AssertionError(f"no such log line in {path.read_text()[-3000:]}")


@pytest.mark.slow
def test_under_gunicorn_every_log_line_is_json_and_one_request_can_be_followed(gunicorn_with_log):
    base, log_path, _process, _tmp = gunicorn_with_log
    headers = {"X-Request-ID": NGINX_REQUEST_ID, "X-Forwarded-For": "198.51.100.7"}
    assert requests.get(f"{base}/en/?date=2023-07-01", headers=headers, timeout=5).ok
    # An app log line: a request for a host the app does not serve is logged as an error.
    bad = requests.get(
        f"{base}/en/", headers={"Host": "evil.example", "X-Request-ID": "b-1"}, timeout=5
    )
    assert bad.status_code == 400

    access = wait_for_line(log_path, lambda line: line.get("request_id") == NGINX_REQUEST_ID)
    assert access["logger"] == "gunicorn.access"
    assert access["method"] == "GET"
    assert access["path"] == "/en/"
    assert access["query"] == "date=2023-07-01"
    assert access["status"] == 200
    assert access["forwarded_for"] == "198.51.100.7"
    assert access["duration_ms"] > 0
    app_line = wait_for_line(
        log_path,
        lambda line: line.get("request_id") == "b-1" and line["logger"] != "gunicorn.access",
    )
    assert app_line["logger"] == "django.security.DisallowedHost"
    assert app_line["level"] == "ERROR"
    # Every line, gunicorn's start-up messages included, is a JSON object (log_lines parses all).
    assert any(line["logger"] == "gunicorn.error" for line in log_lines(log_path))
    # Health probes and scrapes are not logged.
    requests.get(f"{base}/metrics", timeout=5)
    requests.get(f"{base}/healthz", timeout=5)
    requests.get(f"{base}/robots.txt", headers={"X-Request-ID": "last-1"}, timeout=5)
    wait_for_line(log_path, lambda line: line.get("request_id") == "last-1")
    paths = [line.get("path") for line in log_lines(log_path)]
    assert "/metrics" not in paths
    assert "/healthz" not in paths


@pytest.mark.slow
def test_under_gunicorn_metrics_add_up_over_all_workers(gunicorn_with_log):
    base, _log, process, tmp_path = gunicorn_with_log
    session_less = 20
    for _ in range(session_less):  # one connection each: the kernel spreads them over workers
        requests.get(f"{base}/en/timeline/", headers={"Connection": "close"}, timeout=5)
    metrics = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(
            requests.get(f"{base}/metrics", timeout=5).text
        )
        for sample in family.samples
    }
    timeline = ("view", "timeline"), ("method", "GET"), ("status", "200")
    assert metrics[("eidguide_http_requests_total", tuple(sorted(timeline)))] == session_less
    assert metrics[("eidguide_gunicorn_workers", ())] == 2
    assert metrics[("eidguide_gunicorn_workers_configured", ())] == 2
    (folder,) = [p for p in tmp_path.glob("eidguide-metrics-*") if p.is_dir()]
    # A worker killed and replaced: still two alive, its counts kept.
    workers = children(process.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        replaced = children(process.pid)
        text = requests.get(f"{base}/metrics", timeout=5).text
        if len(replaced) == 2 and workers[0] not in replaced and "workers 2.0" in text:
            break
        time.sleep(0.2)
    assert "eidguide_gunicorn_workers 2.0" in text
    assert (
        f'eidguide_http_requests_total{{method="GET",status="200",view="timeline"}} '
        f"{session_less}.0" in text
    )
    # The server removes the folder it made when it stops.
    process.terminate()
    process.wait(timeout=20)
    assert not folder.exists()


PREPARE_TWICE = (
    "import os; from eidguide import multiprocess as m; "
    "first = m.prepare_multiprocess_dir(); assert m.prepare_multiprocess_dir() == first; "
    "print(first[0], first[1], os.environ['PROMETHEUS_MULTIPROC_DIR'])"
)


def prepare_in_a_new_process(**env) -> list[str]:
    """prepare_multiprocess_dir() run (twice) in a fresh process: folder, made here, env value."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PROMETHEUS", "EIDG"))}
    out = subprocess.run(
        [sys.executable, "-c", PREPARE_TWICE],
        cwd=ROOT,
        env={**environment, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()


def test_a_named_metrics_folder_is_emptied_when_the_server_starts(tmp_path):
    stale = tmp_path / "counter_999999.db"
    stale.write_bytes(b"left by an earlier run")
    folder, made_here, env = prepare_in_a_new_process(PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    assert (folder, made_here, env) == (str(tmp_path), "False", str(tmp_path))
    assert not stale.exists()
    assert tmp_path.exists()


def test_without_a_named_folder_each_server_makes_its_own_and_removes_it(tmp_path):
    folder, made_here, env = prepare_in_a_new_process(TMPDIR=str(tmp_path))
    assert made_here == "True"
    assert env == folder
    assert Path(folder).parent == tmp_path
    assert not Path(folder).exists()  # removed when the process exited


def test_a_server_started_by_one_that_made_a_folder_makes_its_own(tmp_path):
    inherited = tmp_path / "eidguide-metrics-parent"
    inherited.mkdir()
    (inherited / "counter_1.db").write_bytes(b"the parent's")
    folder, made_here, _env = prepare_in_a_new_process(
        TMPDIR=str(tmp_path),
        PROMETHEUS_MULTIPROC_DIR=str(inherited),
        EIDGUIDE_METRICS_DIR_OWNER="1",
    )
    assert made_here == "True"
    assert folder != str(inherited)
    assert (inherited / "counter_1.db").exists()


# The same, in this process: what gunicorn.conf.py's call leaves behind, seen from inside.
@pytest.fixture
def first_preparation(monkeypatch, tmp_path):
    """prepare_multiprocess_dir() as if not yet called in this process, with no metrics
    variables set, temporary folders made in tmp_path, and exit handlers kept in a list."""
    import atexit
    import tempfile

    from eidguide import multiprocess

    monkeypatch.setattr(multiprocess, "_prepared", None)
    for name in (multiprocess.MULTIPROC_ENV, multiprocess.OWNER_ENV):
        monkeypatch.setenv(name, "restored after the test")
        monkeypatch.delenv(name)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    exits = []
    monkeypatch.setattr(atexit, "register", lambda *handler: exits.append(handler))
    return multiprocess, exits


def test_a_named_folder_is_emptied_but_what_its_links_point_to_is_kept(first_preparation, tmp_path):
    multiprocess, exits = first_preparation
    named, elsewhere = tmp_path / "metrics", tmp_path / "elsewhere"
    (named / "old-worker").mkdir(parents=True)
    (named / "old-worker" / "counter.db").write_bytes(b"stale")
    (named / "gauge_livesum_12.db").write_bytes(b"stale")
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not ours")
    (named / "link").symlink_to(elsewhere, target_is_directory=True)
    os.environ[multiprocess.MULTIPROC_ENV] = str(named)
    assert multiprocess.prepare_multiprocess_dir() == (named, False)
    assert list(named.iterdir()) == []
    assert (elsewhere / "keep.txt").read_text() == "not ours"
    assert exits == []  # a named folder is the operator's: never removed


def test_a_named_folder_that_does_not_exist_yet_is_made(first_preparation, tmp_path):
    multiprocess, _exits = first_preparation
    named = tmp_path / "run" / "metrics"
    os.environ[multiprocess.MULTIPROC_ENV] = str(named)
    assert multiprocess.prepare_multiprocess_dir() == (named, False)
    assert named.is_dir()


def test_without_a_name_a_fresh_folder_is_made_and_removed_by_its_maker_only(
    first_preparation, tmp_path, monkeypatch
):
    multiprocess, exits = first_preparation
    folder, made_here = multiprocess.prepare_multiprocess_dir()
    assert made_here is True
    assert folder.parent == tmp_path / "tmp"
    assert folder.name.startswith("eidguide-metrics-")
    assert folder.is_dir()
    assert os.environ[multiprocess.MULTIPROC_ENV] == str(folder)
    assert os.environ[multiprocess.OWNER_ENV] == str(os.getpid())
    ((handler, *arguments),) = exits
    (folder / "counter_7.db").write_bytes(b"a worker's")
    maker = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: maker + 1)
    handler(*arguments)  # a forked worker exits: the folder stays for the others
    assert (folder / "counter_7.db").exists()
    monkeypatch.setattr(os, "getpid", lambda: maker)
    handler(*arguments)  # the process that made it exits
    assert not folder.exists()
    handler(*arguments)  # removed already (by an operator, or a second exit hook): no error


def test_a_folder_made_by_the_parent_is_not_shared(first_preparation, tmp_path):
    multiprocess, _exits = first_preparation
    inherited = tmp_path / "parents"
    inherited.mkdir()
    (inherited / "counter_1.db").write_bytes(b"the parent's")
    os.environ[multiprocess.MULTIPROC_ENV] = str(inherited)
    os.environ[multiprocess.OWNER_ENV] = "1"
    folder, made_here = multiprocess.prepare_multiprocess_dir()
    assert made_here is True
    assert folder != inherited
    assert (inherited / "counter_1.db").exists()


def test_a_second_call_changes_nothing(first_preparation, tmp_path):
    # gunicorn reads its config again on SIGHUP while the workers go on writing.
    multiprocess, _exits = first_preparation
    os.environ[multiprocess.MULTIPROC_ENV] = str(tmp_path)
    first = multiprocess.prepare_multiprocess_dir()
    (tmp_path / "counter_9.db").write_bytes(b"written since")
    assert multiprocess.prepare_multiprocess_dir() == first == (tmp_path, False)
    assert (tmp_path / "counter_9.db").exists()


def test_every_series_the_alerts_use_is_served():
    import yaml

    rules = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    used = {
        re.sub(r"_(total|bucket|count|sum)$", "", name)
        for expr in expressions
        for name in re.findall(r"eidguide_[a-z_]+", expr)
    }
    response = scrape_client().get("/metrics").content.decode()
    served = set(re.findall(r"^# HELP (\S+)", response, re.MULTILINE))
    assert used
    assert used <= {re.sub(r"_total$", "", name) for name in served}


@pytest.mark.slow
def test_one_request_is_followed_through_the_edge_and_the_app_by_its_id(gunicorn_with_log):
    """The edge's access log and the app's share the id; the edge answers it once; the public
    never gets /metrics, the monitoring system does."""
    edge_tools = pytest.importorskip("tools.edge", reason="the edge (tools/edge.py) is not here")
    base, log_path, _process, _tmp = gunicorn_with_log
    upstream = base.removeprefix("http://")
    # With the snippet the Kubernetes edge mounts (deploy/kubernetes/base/edge/real-ip.conf).
    snippet = (ROOT / "deploy/kubernetes/base/edge/real-ip.conf").read_text()
    with edge_tools.edge([upstream], snippets={"real-ip.conf": snippet}) as front:
        answer = requests.get(
            f"{front.url}/en/?date=2023-10-31", headers={"Host": "localhost"}, timeout=5
        )
        assert answer.status_code == 200
        request_id = answer.headers["X-Request-ID"]  # one header, the edge's
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)
        public = requests.get(f"{front.url}/metrics", headers={"Host": "localhost"}, timeout=5)
        assert public.status_code == 404
        deadline = time.monotonic() + 10
        edge_lines = []
        while not edge_lines and time.monotonic() < deadline:
            edge_lines = [
                json.loads(line)
                for line in front.access_log()
                if json.loads(line).get("request_id") == request_id
            ]
            time.sleep(0.1)
    (edge_line,) = edge_lines
    app_line = wait_for_line(log_path, lambda line: line.get("request_id") == request_id)
    assert app_line["logger"] == "gunicorn.access"
    assert app_line["path"] == "/en/"
    assert edge_line["status"] == app_line["status"] == 200
    inside = requests.get(f"{base}/metrics", timeout=5).text
    assert 'eidguide_http_requests_total{method="GET",status="200",view="advice"} 1.0' in inside


def test_metrics_follow_the_mode_the_library_chose_not_a_later_environment(monkeypatch, tmp_path):
    # A process that reads gunicorn.conf.py after prometheus-client was loaded (a test of the
    # config) gets the variable set; its values still live in the process and are served.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    public_client().get("/en/timeline/")
    families = scraped()
    assert any(s.labels.get("view") == "timeline" for s in families["eidguide_http_requests"])
