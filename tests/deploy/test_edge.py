"""The edge: Debian's nginx runs the real `edge/default.conf.template` in front of two gunicorn
instances over one database, as compose runs the official nginx image.

Clients come from several loopback addresses (127.0.0.1 to 127.0.0.9 all reach the edge), so
"another address" is real: the edge sees it, and passes it on in X-Forwarded-For.
"""

import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from contextlib import ExitStack, contextmanager, suppress
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tools import edge as edge_tools
from tools.serve import ROOT, free_port, gunicorn, manage, prepare, production_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("TEST_DATABASE_URL")),
        reason="the edge runs in `make test`; it does not depend on the database engine",
    ),
]

PASSWORD = "edge-test-staff-password-3"
PAGE = "/en/?date=2023-07-01"
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
    "Permissions-Policy",
)


def need_nginx() -> None:
    reason = edge_tools.ensure_nginx()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def need_wrk() -> None:
    """The load generator a crowd's busiest client is made with (.ci/run installs it)."""
    if shutil.which("wrk"):
        return
    reason = "This test needs wrk, the load generator: install it with `apt-get install wrk`."
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Two gunicorns (two workers each) over one SQLite file, behind the edge."""
    need_nginx()
    folder = tmp_path_factory.mktemp("edge-stack")
    database = folder / "db.sqlite3"
    env = production_env(
        DATABASE_URL=f"sqlite:///{database}",
        PROXY_COUNT="1",
        SECURE_SSL_REDIRECT="true",
        HOME=str(folder / "home"),
    )
    env.pop("XDG_RUNTIME_DIR", None)
    (folder / "home").mkdir()
    prepare(env)
    manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "editor",
        "--email",
        "e@example.org",
        env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )
    with ExitStack() as stack:
        apps = [stack.enter_context(gunicorn(env, workers=2)) for _ in range(2)]
        addresses = [app.url.removeprefix("http://") for app in apps]
        edge = stack.enter_context(edge_tools.edge(addresses, workers=2))
        yield {"edge": edge, "apps": apps, "database": database, "home": folder / "home"}


class Answer:
    def __init__(self, response: http.client.HTTPResponse, seconds: float):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()
        self.seconds = seconds

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)


def ask(
    base: str,
    path: str,
    method: str = "GET",
    headers: dict | None = None,
    body: bytes | None = None,
    source: str = "127.0.0.1",
) -> Answer:
    """One request from the loopback address `source`."""
    where = urlsplit(base)
    connection = http.client.HTTPConnection(
        where.hostname, where.port, timeout=10, source_address=(source, 0)
    )
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return Answer(connection.getresponse(), time.monotonic() - started)
    finally:
        connection.close()


class FormFields(HTMLParser):
    """The fields of the first form with fields on a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            # A browser sends "on" for a checked box without a value, "" for an empty text field.
            default = "on" if attrs.get("type") in ("checkbox", "radio") else ""
            self.fields[name] = attrs.get("value") or default
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += (
                data.removeprefix("\n") if not self.fields[self.textarea] else data
            )


class Staff:
    """An editor's browser on the edge: keeps the admin's cookies (Secure, as the edge tells the
    app the visitor came over HTTPS) and sends the Origin a browser would."""

    def __init__(self, base: str, source: str = "127.0.0.1"):
        self.base, self.source = base, source
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = "https://127.0.0.1"
        answer = ask(self.base, path, method, headers, body, self.source)
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return answer

    def form(self, path: str) -> dict:
        parser = FormFields()
        parser.feed(self.request("GET", path).text)
        return parser.fields

    def log_in(self, password: str = PASSWORD) -> Answer:
        fields = self.form("/admin/login/")
        fields.update(username="editor", password=password)
        return self.request("POST", "/admin/login/?next=/admin/", fields)


def closing_milestone(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT id FROM guidance_milestone WHERE audience = 'citizen' AND date = '2023-10-31'"
        ).fetchone()[0]


def milestone_field(database: Path, pk: int, field: str) -> str:
    with sqlite3.connect(database) as db:
        return db.execute(
            f"SELECT {field} FROM guidance_milestone WHERE id = ?",  # noqa: S608 (a fixed name)
            (pk,),
        ).fetchone()[0]


# --- slow clients ------------------------------------------------------------------------------


def visitor_p99(base: str, paths: list[str], source: str = "127.0.0.3") -> tuple[list, float]:
    """Each path asked once from another address; the answers and their slowest (the p99 of
    twenty or fewer)."""
    answers = [ask(base, path, source=source) for path in paths]
    times = sorted(answer.seconds for answer in answers)
    return answers, times[min(len(times) - 1, round(len(times) * 0.99))]


def test_one_address_with_unfinished_headers_past_the_old_ceiling_does_not_starve_another(stack):
    """2,500 connections from one address that never finish their headers: past the 2 x 1,024
    worker connections nginx's image has (every visitor was reset there), within edge/nginx.conf's.
    A visitor on another address gets never-asked dates all the while."""
    edge = stack["edge"]
    held = []
    try:
        for _ in range(2500):
            attacker = socket.socket()
            attacker.bind(("127.0.0.2", 0))
            held.append(attacker)
            attacker.connect(("127.0.0.1", edge.ports.public))
            attacker.sendall(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        time.sleep(0.3)
        status = urllib.request.urlopen(
            f"http://127.0.0.1:{edge.ports.stub_status}/stub_status", timeout=5
        ).read()
        reading = int(re.search(rb"Reading: (\d+)", status).group(1))
        answers, p99 = visitor_p99(
            edge.url, [f"/en/?date=2019-04-{day:02d}" for day in range(1, 21)]
        )
    finally:
        for attacker in held:
            attacker.close()
    print(f"\n2,500 unfinished headers from one address (nginx reading {reading}): another "
          f"address's 20 never-asked dates, p99 {p99 * 1000:.0f} ms")  # fmt: skip
    assert reading >= 2500
    assert [answer.status for answer in answers] == [200] * 20
    assert p99 < 1.0


def test_a_header_sent_a_byte_at_a_time_is_cut_off_5_s_after_it_began(stack):
    """client_header_timeout bounds a header's whole time, not only the gap between reads: a
    client that sends a byte every half second is cut off about 5 s after it began."""
    client = socket.create_connection(("127.0.0.1", stack["edge"].ports.public), timeout=10)
    started = time.monotonic()
    try:
        client.sendall(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        with suppress(OSError):  # the reset nginx sends when its time is up
            while time.monotonic() - started < 10:
                time.sleep(0.5)
                client.sendall(b"X")
    finally:
        client.close()
    lasted = time.monotonic() - started
    print(f"\na header sent a byte every 0.5 s: cut off after {lasted:.1f} s")
    assert 4.5 <= lasted < 6.5


def test_one_address_with_slow_bodies_past_the_worker_connections_does_not_starve_another(stack):
    """1,100 connections from one address, each a request whose body comes slowly, past the
    1,024 connections of nginx's worker (a header's time is bounded; a body's only between
    reads): to the admin, the one place that takes a body, the edge holds 8 of them and refuses
    the rest at once; a visitor on another address is answered all the while."""
    edge = stack["edge"]
    head = (
        b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\nx"
    )
    held, probes, cut = [], [], 0
    try:
        for _ in range(1100):
            attacker = socket.socket()
            attacker.settimeout(5)
            attacker.bind(("127.0.0.2", 0))
            held.append(attacker)
            try:
                attacker.connect(("127.0.0.1", edge.ports.public))
                attacker.sendall(head)
            except OSError:  # refused and closed before the request was all sent
                cut += 1
        time.sleep(0.5)
        probes = [
            ask(edge.url, f"/en/?date=2019-03-{day:02d}", source="127.0.0.3")
            for day in range(1, 21)
        ]
        status = urllib.request.urlopen(
            f"http://127.0.0.1:{edge.ports.stub_status}/stub_status", timeout=5
        ).read()
        active = int(re.search(rb"Active connections: (\d+)", status).group(1))
        refused = cut
        for attacker in held:
            attacker.settimeout(0.05)
            with suppress(OSError):
                refused += attacker.recv(20).startswith(b"HTTP/1.1 429")
    finally:
        for attacker in held:
            attacker.close()
    slowest = max(probe.seconds for probe in probes)
    print(f"\n1,100 slow bodies from one address: nginx holds {active}, {refused} refused at "
          f"once (429); another "
          f"address's 20 never-asked dates all 200: {all(p.status == 200 for p in probes)}, "
          f"slowest (p99) {slowest * 1000:.0f} ms")  # fmt: skip
    assert all(probe.status == 200 for probe in probes)
    # nginx still holds the refused connections a moment (their bodies are not read): 1,101 here,
    # past the image's 1,024 worker connections, within edge/nginx.conf's 32,768.
    assert active < 32768
    assert refused >= 1100 - 8
    assert slowest < 1.0


@pytest.mark.parametrize("path", ["/api/v1/status", "/da/", "/static/css/x.css"])
def test_a_body_sent_to_a_public_address_is_refused_before_it_is_read(stack, path):
    """Public answers are read-only: a POST is refused as soon as its headers are in, so a slow
    body cannot hold a connection there."""
    edge = stack["edge"]
    where = urlsplit(edge.url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nx".encode()
        )
        started = time.monotonic()
        head = connection.recv(65536).partition(b"\r\n\r\n")[0].decode()
    assert time.monotonic() - started < 1
    assert head.startswith("HTTP/1.1 405 ")
    allowed = "GET, HEAD, OPTIONS" if path.startswith("/api/") else "GET, HEAD"  # as the app's
    assert f"Allow: {allowed}" in head.split("\r\n")
    assert "Content-Security-Policy: default-src 'none'" in head


def test_an_admin_flood_from_one_address_does_not_slow_another_visitor(stack):
    """64 connections asking for the admin's login page as fast as they can, from one address:
    the edge lets 10 a second through (8 at a time); a visitor on another address asking for
    never-asked dates stays fast."""
    edge = stack["edge"]
    stop_at = time.monotonic() + 4
    statuses: list[int] = []

    def flood():
        while time.monotonic() < stop_at:
            statuses.append(ask(edge.url, "/admin/login/", source="127.0.0.4").status)

    flooders = [threading.Thread(target=flood) for _ in range(64)]
    for flooder in flooders:
        flooder.start()
    try:
        time.sleep(0.5)
        probes = [
            ask(edge.url, f"/en/?date=2019-04-{day:02d}", source="127.0.0.5")
            for day in range(1, 31)
        ]
    finally:
        for flooder in flooders:
            flooder.join()
    times = sorted(probe.seconds for probe in probes)
    p99 = times[min(len(times) - 1, round(len(times) * 0.99))]
    served = statuses.count(200)
    print(
        f"\nadmin flood from one address: {len(statuses)} asked, {served} served, "
        f"{statuses.count(429)} refused (429); another address's p99 {p99 * 1000:.0f} ms"
    )
    assert all(probe.status == 200 for probe in probes)
    assert set(statuses) <= {200, 429}
    # What reaches the app: the burst, then 10 a second (thousands without the admin's limits,
    # when a visitor's p99 was 630-660 ms on a quiet machine; about 160 ms now, and the visitor's
    # time here also pays for the 64 flooding threads and, under `make test`, the whole suite).
    assert served <= 30 + 10 * 5
    assert p99 < 1.0


def test_a_half_closed_post_is_refused_and_not_saved(stack):
    edge, database = stack["edge"], stack["database"]
    staff = Staff(edge.url, source="127.0.0.3")
    assert staff.log_in().status == 302
    pk = closing_milestone(database)
    change = f"/admin/guidance/milestone/{pk}/change/"
    before = milestone_field(database, pk, "what_to_do_da")
    fields = staff.form(change)
    fields["what_to_do_da"] = "Første linje\nAnden linje\nTredje linje"
    body = urlencode(fields).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in staff.cookies.items())
    head = (
        f"POST {change} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        "Origin: https://127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", edge.ports.public), timeout=10) as client:
        client.sendall(head + body[: len(body) // 2])
        client.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := client.recv(65536):
            reply += chunk
    assert not reply.startswith(b"HTTP/1.1 302"), reply[:200]
    time.sleep(0.3)
    assert milestone_field(database, pk, "what_to_do_da") == before


def test_an_admin_edit_is_served_through_the_edge_within_about_a_second(stack):
    edge, database = stack["edge"], stack["database"]
    page = "/en/?date=2024-01-01"
    for _ in range(3):  # kept by the edge
        assert ask(edge.url, page).status == 200
    assert cache_status(edge, ask(edge.url, page)) in ("HIT", "UPDATING", "STALE")
    staff = Staff(edge.url, source="127.0.0.3")
    assert staff.log_in().status == 302
    pk = closing_milestone(database)
    change = f"/admin/guidance/milestone/{pk}/change/"
    fields = staff.form(change)
    fields["summary_en"] = "NemID has closed for good (edited through the edge)."
    assert b"edited through the edge" not in ask(edge.url, page).body
    saved = staff.request("POST", change, fields)
    assert saved.status == 302, saved.text[:500]
    edited = time.monotonic()
    seen = None
    while time.monotonic() - edited < 5:
        if b"edited through the edge" in ask(edge.url, page).body:
            seen = time.monotonic() - edited
            break
        time.sleep(0.05)
    assert seen is not None, "the edit never showed through the edge"
    print(f"\nedit visible through the edge after {seen:.2f} s")
    assert seen < 2.0


# --- scheduled changes and the preview (issue 16) ----------------------------------------------


@pytest.mark.minute
def test_a_scheduled_change_goes_live_through_the_edge_at_its_moment_not_before(
    stack, quiet_machine
):
    """A crowd on twelve addresses asks four answers over and over across a scheduled change,
    beside one busy client (wrk, 48 connections on one page): none gets the new answer before
    the moment, none the old one after it, every visitor is answered, and each answer reaches
    the app about once a second, the moment's second included. No copy may be used at the
    moment: before the renewer's cache lock every request then went to the app, and visitors
    were refused with 503 when more than 64 were at the app at once."""
    need_wrk()
    edge, database = stack["edge"], stack["database"]
    page = "/en/?date=2024-02-01"
    urls = [page, "/en/", "/api/v1/status", "/da/timeline/"]
    pk = closing_milestone(database)
    title = milestone_field(database, pk, "title_en")
    # The next whole minute at least a few seconds ahead (the admin schedules whole minutes):
    # every process sees the new version before it (a database write that bypasses the app
    # reaches them within VERSION_CHECK_SECONDS).
    moment = (int(time.time()) + 6) // 60 * 60 + 60
    quiet_machine(moment - 2, moment + 2.5)
    when = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(database) as db:
        db.execute(
            "UPDATE guidance_milestone SET publish_from = ?, title_en = ? WHERE id = ?",
            (when, "Scheduled through the edge", pk),
        )
    seen: list[tuple[float, float, bool, str]] = []
    lock = threading.Lock()
    time.sleep(max(0.0, moment - 2 - time.time()))

    crowd: list[tuple[float, str, Answer]] = []

    def poll(source: str, lane: int):
        n = lane
        while time.time() < moment + 2.5:
            url, started = urls[n % len(urls)], time.time()
            n += 1
            answer = ask(edge.url, url, source=source)
            ended = time.time()
            with lock:
                crowd.append((started, url, answer))
                if url == page and answer.status == 200:
                    seen.append(
                        (
                            started,
                            ended,
                            b"Scheduled through the edge" in answer.body,
                            answer.headers["X-Request-ID"],
                        )
                    )

    def busy_client() -> str:
        """One client on 48 connections from just before the moment to just after it (the
        crowd of the moment; as short as that, so the rest of the suite keeps its CPU)."""
        time.sleep(max(0.0, moment - 0.3 - time.time()))
        return subprocess.run(
            ["wrk", "-t1", "-c48", "-d1s", f"{edge.url}/en/"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout

    busy_report = ""

    def run_busy_client() -> None:
        nonlocal busy_report
        busy_report = busy_client()

    busy = threading.Thread(target=run_busy_client)
    busy.start()
    try:
        pollers = [
            threading.Thread(target=poll, args=(f"127.0.0.{50 + n % 12}", n)) for n in range(24)
        ]
        for poller in pollers:
            poller.start()
        for poller in pollers:
            poller.join()
        busy.join()
    finally:
        with sqlite3.connect(database) as db:
            db.execute(
                "UPDATE guidance_milestone SET publish_from = NULL, title_en = ? WHERE id = ?",
                (title, pk),
            )
    assert {answer.status for *_, answer in crowd} == {200}, Counter(a.status for *_, a in crowd)
    early = [row for row in seen if row[2] and row[1] < moment]
    late = [row for row in seen if not row[2] and row[0] >= moment]
    lines = logged(edge, [answer for *_, answer in crowd])
    statuses = {request_id: line["cache"] for request_id, line in lines.items()}
    kept = [row for row in seen if statuses.get(row[3]) in ("HIT", "UPDATING", "STALE")]
    waited = [row for row in seen if row[0] >= moment and statuses.get(row[3]) == "EXPIRED"]
    # Requests that went on to the app: a renewal not given the second's copy (HIT).
    # Requests that waited for the app's own answer (not a renewal in the background, which
    # nginx sends once at a time, nor the renewer's copy of that second): every one of them at
    # the moment, before the renewer (12 to 14 an answer here, under load).
    to_app = Counter(
        url
        for started, url, answer in crowd
        if moment - 1 <= started < moment + 2
        and waited_for_the_app(lines[answer.headers["X-Request-ID"]])
    )
    times = sorted(answer.seconds for *_, answer in crowd)
    p99 = times[int(len(times) * 0.99)]
    print(
        f"\n{len(crowd)} answers from 12 addresses around a scheduled moment, all 200; "
        f"{len(seen)} of the changed page, {len(kept)} from the edge's cache, {len(waited)} "
        f"waited for the new answer; reached the app in the 3 s around it: {dict(to_app)}; "
        f"p99 {p99 * 1000:.0f} ms; the busy client: "
        f"{' '.join(re.findall(r'(\d+ requests|Non-2xx[^\n]*)', busy_report))}"
    )
    assert kept, "the edge kept nothing: the test proves nothing"
    assert any(row[0] >= moment for row in seen)
    assert not early, f"the new answer before its moment: {early[:3]}"
    assert not late, f"the old answer after the moment: {late[:3]}"
    assert max(to_app.values(), default=0) <= 4, to_app  # at most once a second
    # Those asking at the moment wait for the app's first new answer (it reads the new content)
    # and nginx's lock polls of up to half a second: 136 ms here alone (the rest of the suite
    # starts no test in these seconds: quiet_machine). Without the renewer some were refused
    # instead (503, or 429 to the busy one).
    assert p99 < 3.0


@pytest.mark.minute
def test_the_cache_stays_warm_across_a_minutes_turn_under_load(stack, quiet_machine):
    """Visitors on eight addresses and one busy client ask the same few answers over and over
    across the turn of a minute: every one is answered, nearly all from the cache, and each
    answer reaches the app about once a second, not once per visitor at the turn."""
    edge = stack["edge"]
    urls = ["/en/", "/da/?date=2023-07-01", "/api/v1/status", "/en/timeline/"]
    turn = (int(time.time()) + 6) // 60 * 60 + 60
    quiet_machine(turn - 3, turn + 1.5)
    time.sleep(max(0.0, turn - 3 - time.time()))
    answers: list[tuple[float, str, str, Answer]] = []
    lock = threading.Lock()

    def visit(source: str, asked: list[str]) -> None:
        n = 0
        while time.time() < turn + 1.5:
            url, started = asked[n % len(asked)], time.time()
            answer = ask(edge.url, url, source=source)
            with lock:
                answers.append((started, source, url, answer))
            n += 1

    # Two connections from each of eight addresses, and eight from the busy one (more would
    # starve the scheduled-moment test, run at the same turn on another of make test's
    # workers); counted from 1.5 s before the turn, when the cache holds every answer.
    threads = [
        threading.Thread(target=visit, args=(f"127.0.0.{30 + n % 8}", urls[n % 4 :] + urls))
        for n in range(16)
    ] + [threading.Thread(target=visit, args=("127.0.0.40", urls[:1])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {answer.status for *_, answer in answers} == {200}
    counted = [row for row in answers if row[0] >= turn - 1.5]
    lines = logged(edge, [answer for *_, answer in counted])
    # Requests that waited for the app, and those that set off a renewal in the background
    # (STALE: nginx sends one at a time). With the minute in the cache key, every visitor at the
    # turn waited for the app (12 to 26 times an answer in 3 s).
    fetched = {url: 0 for url in urls}
    renewed = {url: 0 for url in urls}
    for _, _, url, answer in counted:
        line = lines[answer.headers["X-Request-ID"]]
        fetched[url] += waited_for_the_app(line)
        renewed[url] += line["cache"] == "STALE"
    visitor = sorted(a.seconds for _, source, _, a in counted if source != "127.0.0.40")
    p99 = visitor[int(len(visitor) * 0.99)]
    print(
        f"\n{len(counted)} answers in 3 s across the minute's turn; waited for the app: "
        f"{fetched}; renewed in the background: {renewed}; visitors' p99 {p99 * 1000:.1f} ms"
    )
    # Waiting for the app at most once a second (make test runs the scheduled-moment test at the
    # same turn, where no copy may be used): with the minute in the key every visitor at the turn
    # waited. Renewals in the background are only printed: nginx sends one at a time, and one
    # often gets the renewer's copy of that second (fresh to that second's end only, so renewed
    # again soon: 5 to 7 in 3 s under CI), which the public log cannot tell from the app's.
    assert max(fetched.values()) <= 4, fetched
    # The bound of the other attack tests (48 ms here; the rest of the suite starts no test in
    # these seconds: quiet_machine). A cache lock's 500 ms polls would pass it once per turn, a
    # cold cache at the turn (every visitor to the app) many times.
    assert p99 < 1.0


def test_a_preview_through_the_edge_is_for_staff_only_and_never_kept(stack):
    edge, database = stack["edge"], stack["database"]
    staff = Staff(edge.url, source="127.0.0.10")
    assert staff.log_in().status == 302
    pk = closing_milestone(database)
    fields = staff.form(f"/admin/guidance/milestone/{pk}/change/")
    fields.update(
        summary_en="Previewed through the edge.",
        _preview_date="2024-01-01",
        _preview_audience="citizen",
        _preview_language="en",
    )
    preview = f"/admin/guidance/milestone/{pk}/preview/"
    for _ in range(3):
        answer = staff.request("POST", preview, fields)
        assert answer.status == 200, answer.text[:300]
        assert "Preview: not published" in answer.text
        assert "Previewed through the edge." in answer.text
        assert cache_status(edge, answer) == ""
        assert {"private", "no-store"} <= set(answer.headers["Cache-Control"].split(", "))
    body = urlencode(fields).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://127.0.0.1"}
    for method, headers, data in (("GET", {}, None), ("POST", form, body)):
        stranger = ask(edge.url, preview, method, headers, data, source="127.0.0.11")
        assert stranger.status in (302, 403), stranger.status
        assert b"Previewed through the edge." not in stranger.body
        assert cache_status(edge, stranger) == ""
    assert b"Previewed through the edge." not in ask(edge.url, "/en/?date=2024-01-01").body
    assert milestone_field(database, pk, "summary_en") != "Previewed through the edge."


# --- the real client address -------------------------------------------------------------------


def test_five_failures_from_one_address_do_not_lock_out_the_same_user_elsewhere(stack):
    edge = stack["edge"]
    attacker = Staff(edge.url, source="127.0.0.4")
    failures = [attacker.log_in(password="wrong-password") for _ in range(5)]
    assert [failure.status for failure in failures] == [200, 200, 200, 200, 429]
    locked = attacker.log_in()
    assert locked.status == 429, locked.status
    assert "Too many failed logins" in locked.text
    editor = Staff(edge.url, source="127.0.0.5")
    assert editor.log_in().status == 302


def test_a_client_cannot_choose_its_own_forwarded_address(stack):
    edge = stack["edge"]
    forger = Staff(edge.url, source="127.0.0.6")
    for _ in range(5):
        forger.log_in(password="wrong-password")
    fields = forger.form("/admin/login/")
    fields.update(username="editor", password=PASSWORD)
    headers = {"X-Forwarded-For": "203.0.113.9"}
    answer = ask(
        edge.url,
        "/admin/login/?next=/admin/",
        "POST",
        {
            **headers,
            "Cookie": "; ".join(f"{k}={v}" for k, v in forger.cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://127.0.0.1",
        },
        urlencode(fields).encode(),
        source="127.0.0.6",
    )
    assert answer.status == 429, "a forged X-Forwarded-For must not escape the lockout"


def test_login_attempts_are_rate_limited_by_the_edge(stack):
    edge = stack["edge"]
    statuses = []
    for _ in range(14):
        answer = ask(
            edge.url,
            "/admin/login/",
            "POST",
            {"Content-Type": "application/x-www-form-urlencoded"},
            b"username=nobody&password=x",
            source="127.0.0.7",
        )
        statuses.append(answer.status)
    assert 429 in statuses
    refused = ask(edge.url, "/admin/login/", "POST", {}, b"x=1", source="127.0.0.7")
    assert refused.status == 429
    assert "Too many requests" in refused.text
    assert refused.headers["Retry-After"]


# --- caching and conditional GET ---------------------------------------------------------------


def test_a_weak_etag_gets_304_through_the_edge_and_only_its_sender_does(stack):
    edge = stack["edge"]
    url = "/en/?date=2023-07-02"  # new to the cache: the conditional request is its first miss
    first = ask(edge.url, url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert first.headers["ETag"].startswith('W/"')
    time.sleep(2.1)  # expired: the next request goes to the app
    again = ask(edge.url, url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    assert again.body == b""
    plain = ask(edge.url, url)  # the edge asked the app for the whole answer and kept that
    assert (plain.status, plain.text[:15]) == (200, "<!doctype html>")


def test_a_304_through_the_edge_keeps_the_apis_cors_headers(stack):
    edge = stack["edge"]
    url = "/api/v1/status?date=2023-07-01"
    first = ask(edge.url, url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = ask(edge.url, url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert again.headers["Content-Language"] == "en"


def test_every_address_in_the_sitemap_answers_200_through_the_edge(stack):
    edge = stack["edge"]
    sitemap = ask(edge.url, "/sitemap.xml")
    assert sitemap.status == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap.text)
    assert len(locations) == 18
    for location in locations:
        where = urlsplit(location)
        assert where.scheme == "https"  # the edge says the visitor came over HTTPS
        path = where.path + (f"?{where.query}" if where.query else "")
        assert ask(edge.url, path).status == 200, path


def test_only_the_embed_page_may_be_framed_through_the_edge_even_as_a_304(stack):
    edge = stack["edge"]
    url = "/da/embed/?date=2023-07-03"
    first = ask(edge.url, url)
    again = ask(edge.url, url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    for answer in (first, again):
        assert answer.headers["X-Frame-Options"] is None
        assert "frame-ancestors *" in answer.headers["Content-Security-Policy"]
    page = ask(edge.url, "/da/?date=2023-07-03")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_public_answers_are_kept_for_a_second_and_compressed_once(stack):
    edge = stack["edge"]
    url = "/en/timeline/"
    time.sleep(1.02 - time.time() % 1)  # both asked within the second the copy is fresh in
    ask(edge.url, url, headers={"Accept-Encoding": "gzip"})
    kept = ask(edge.url, url, headers={"Accept-Encoding": "gzip"})
    assert cache_status(edge, kept) == "HIT"
    assert kept.headers["Content-Encoding"] == "gzip"
    plain = ask(edge.url, url)
    assert "Content-Encoding" not in plain.headers
    assert b"<html" in plain.body
    for name in SECURITY_HEADERS:
        assert kept.headers[name], name


def test_the_admin_and_cookies_are_never_kept(stack):
    edge = stack["edge"]
    for _ in range(2):
        login = ask(edge.url, "/admin/login/")
    assert cache_status(edge, login) == ""
    assert login.headers["Set-Cookie"]


def test_static_files_are_kept_per_encoding(stack):
    edge = stack["edge"]
    page = ask(edge.url, PAGE)
    assert page.status == 200, (page.status, page.text[:300])
    css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page.text).group(1)
    brotli = [ask(edge.url, css, headers={"Accept-Encoding": "gzip, br"}) for _ in range(2)]
    plain = ask(edge.url, css)
    assert brotli[1].headers["Content-Encoding"] == "br"
    assert cache_status(edge, brotli[1]) == "HIT"
    assert "Content-Encoding" not in plain.headers
    assert len(plain.body) > len(brotli[1].body)


def test_a_second_accept_language_line_cannot_put_another_language_in_the_cache(stack):
    """The app answers in the language of the Accept-Language the edge keys on, however many
    lines the client sends: a visitor sending the first line alone gets that line's language."""
    edge = stack["edge"]
    path = "/api/v1/status?date=2019-05-05"
    first = "de-DE,de;q=0.9,en;q=0.8"
    where = urlsplit(edge.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    connection.putrequest("GET", path)
    connection.putheader("Accept-Language", first)
    connection.putheader("Accept-Language", "da")
    connection.endheaders()
    twice = Answer(connection.getresponse(), 0)
    connection.close()
    once = ask(edge.url, path, headers={"Accept-Language": first})
    assert once.headers["Content-Language"] == twice.headers["Content-Language"]
    assert once.json()["lang"] == "en"


def test_static_files_are_kept_once_whatever_query_string_is_added(stack):
    """?v=1, ?v=2, ... name the same file (the app ignores the query): one copy in the cache, so
    one client cannot fill it with variants."""
    edge = stack["edge"]
    css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', ask(edge.url, PAGE).text)[1]
    ask(edge.url, css, headers={"Accept-Encoding": "gzip"})
    variants = [
        ask(edge.url, f"{css}?v={n}", headers={"Accept-Encoding": "gzip"}) for n in range(5)
    ]
    assert [cache_status(edge, answer) for answer in variants] == ["HIT"] * 5


@pytest.mark.parametrize(
    "refused",
    ["gzip;q=0", "gzip; q=0.0, identity", "br;q=0, gzip;q=0", "gzip;level=1;q=0", "gzip;q=-1"],
)
def test_an_encoding_refused_with_q_0_is_not_sent(stack, refused):
    edge = stack["edge"]
    answer = ask(edge.url, "/en/timeline/", headers={"Accept-Encoding": refused})
    assert answer.status == 200
    assert "Content-Encoding" not in answer.headers
    assert answer.text.startswith("<!doctype html>")


# --- the edge's own answers --------------------------------------------------------------------


@contextmanager
def flooding(base: str, source: str, connections: int = 8):
    """New dates (cache misses) asked from ``source`` on ``connections`` connections at once until
    the block ends: faster than the miss limiter's 20 a second however slow the machine is (one
    client asking one date at a time on a busy machine may never reach it)."""
    stop = threading.Event()

    def flood(lane: int) -> None:
        day = 0
        while not stop.is_set():
            day += 1
            ask(base, f"/api/v1/status?date={1950 + lane}-{1 + day // 28 % 12:02d}-"
                f"{1 + day % 28:02d}", source=source)  # fmt: skip

    threads = [threading.Thread(target=flood, args=(lane,)) for lane in range(connections)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)


def first_refused(asking, tries: int = 28):
    """The first answer of ``asking(0)``, ``asking(1)``... that is a 429, else the last one."""
    for attempt in range(tries):
        answer = asking(attempt)
        if answer.status == 429:
            return answer
    return answer


def test_a_flood_of_new_dates_from_one_client_is_refused_not_others(stack):
    edge = stack["edge"]
    with flooding(edge.url, "127.0.0.8"):
        refused = first_refused(
            lambda n: ask(edge.url, f"/api/v1/status?date=2018-01-{1 + n:02d}", source="127.0.0.8")
        )
        page = first_refused(
            lambda n: ask(edge.url, f"/da/?date=2018-02-{1 + n:02d}", source="127.0.0.8")
        )
        others = [
            ask(edge.url, f"/en/?date=2017-05-{day:02d}", source="127.0.0.9")
            for day in range(1, 21)
        ]
    times = sorted(other.seconds for other in others)
    p99 = times[min(len(times) - 1, round(len(times) * 0.99))]
    print(f"\nnever-asked dates flooded from one address: another's p99 {p99 * 1000:.0f} ms")
    assert [other.status for other in others] == [200] * 20
    assert p99 < 1.0
    assert refused.status == 429
    assert refused.headers["Content-Type"] == "application/json"
    assert refused.json() == {
        "error": refused.json()["error"],
        "status": 429,
        "field": None,
        "errors": {},
    }
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert page.status == 429
    assert '<html lang="da">' in page.text
    assert "For mange forespørgsler" in page.text


def test_the_edges_error_pages_carry_the_apps_security_headers(stack):
    edge, app = stack["edge"], stack["apps"][0]
    direct = ask(app.url, PAGE, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})
    assert direct.status == 200
    missing = ask(edge.url, "/metrics")
    assert missing.status == 404
    assert "Page not found" in missing.text
    for name in SECURITY_HEADERS:
        assert missing.headers[name] == direct.headers[name], name


@pytest.mark.parametrize(
    ("path", "language"), [("/api/v1/status", None), ("/da/", "da"), ("/en/", "en")]
)
@pytest.mark.parametrize("method", ["TRACE", "CONNECT"])
def test_a_method_nginx_refuses_gets_the_edges_own_answer(stack, method, path, language):
    edge = stack["edge"]
    refused = ask(edge.url, path, method=method)
    assert refused.status == 405
    assert refused.headers["X-Frame-Options"] == "DENY"
    if language is None:
        assert refused.json()["status"] == 405
        assert refused.headers["Access-Control-Allow-Origin"] == "*"
    else:
        assert f'<html lang="{language}">' in refused.text


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        ("GET /api/v1/status HTTP/9.9", 505),
        ("GET /da/ HTTP/9.9", 505),
        ("GET /api/v1/status%zz HTTP/1.1", 400),
        ("GET /api/v1/status%00 HTTP/1.1", 400),
        ("GET /da/%zz HTTP/1.1", 400),
    ],
)
def test_a_request_nginx_cannot_read_gets_the_edges_own_answer(stack, request_line, status):
    """A version of HTTP nginx does not speak, or a bad escape in the address: nginx refuses them
    before the address is known ($request_uri is empty), and the edge's page is still JSON under
    /api/ and Danish under /da/, with the security headers."""
    where = urlsplit(stack["edge"].url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as connection:
        connection.sendall(f"{request_line}\r\nHost: 127.0.0.1\r\n\r\n".encode())
        response = http.client.HTTPResponse(connection)
        response.begin()
        body = response.read().decode()
    assert response.status == (400 if status == 494 else status)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    if "/api/" in request_line:
        assert json.loads(body)["status"] == status
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    else:
        assert '<html lang="da">' in body


def test_a_request_in_http_0_9_gets_no_answer(stack):
    """HTTP/0.9 has no headers, so no answer could carry the security headers: the edge closes
    the connection (nginx would send the page bare)."""
    where = urlsplit(stack["edge"].url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as connection:
        connection.sendall(b"GET /en/\r\n\r\n")
        try:
            received = connection.recv(65536)
        except ConnectionResetError:
            received = b""
    assert received == b""


@pytest.mark.parametrize(("path", "language"), [("/da/", "da"), ("/en/timeline/", "en")])
def test_options_on_a_page_gets_the_edges_405_page(stack, path, language):
    """OPTIONS (a cross-origin preflight) is answered only where scripts may ask: the API and the
    calendar feed. On a page it is the edge's 405 page in the page's language."""
    refused = ask(stack["edge"].url, path, method="OPTIONS")
    assert refused.status == 405
    assert refused.headers["Allow"] == "GET, HEAD"
    assert f'<html lang="{language}">' in refused.text
    preflight = ask(
        stack["edge"].url,
        "/api/v1/status",
        method="OPTIONS",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status in (200, 204)


@pytest.mark.parametrize("length", [3000, 6000, 9000, 20000])
def test_an_address_too_long_gets_414_readable_from_any_origin(stack, length):
    """Up to the edge's 8 KB buffer the app refuses a query over 2,048 characters; past it nginx
    refuses the line unread, and the edge reads the path from the start of the line it kept: the
    API's JSON either way, readable from any origin, the site's page in Danish under /da/, with
    the security headers. gunicorn's bare HTML never comes through."""
    edge = stack["edge"]
    refused = ask(edge.url, "/api/v1/status?date=" + "1" * length)
    assert refused.status == 414
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert refused.headers["X-Frame-Options"] == "DENY"
    assert refused.json()["status"] == 414
    page = ask(edge.url, "/da/?date=" + "1" * length)
    assert page.status == 414
    assert '<html lang="da">' in page.text
    assert page.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("length", "status"), [(3900, 200), (5000, 431)])
def test_a_header_sent_twice_is_answered_in_the_apis_shape(stack, length, status):
    """Two Cookie lines, each within the edge's 8 KB header buffers: passed on joined, they are
    the app's to answer, and to refuse past its 8,192 characters (431 in the API's shape), not
    nginx's or gunicorn's. A date never asked, so no kept answer stands in (a kept public answer
    reads no cookie)."""
    edge = stack["edge"]
    where = urlsplit(edge.url)
    request = (
        f"GET /api/v1/status?date=2011-03-{17 + status // 100} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: a={'x' * length}\r\nCookie: b={'y' * length}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((where.hostname, where.port), timeout=10) as connection:
        connection.sendall(request.encode())
        raw = b"".join(iter(lambda: connection.recv(65536), b""))
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), head[:80]
    assert b"Content-Type: application/json" in head
    assert b"Content-Security-Policy: default-src 'none'" in head
    if status != 200:
        assert f'"status": {status}'.encode() in body


def test_headers_too_large_answer_400_and_the_json_says_400(stack):
    """nginx's 494 goes out as HTTP 400: the body's status is the HTTP status, as documented."""
    edge = stack["edge"]
    refused = ask(edge.url, "/api/v1/status", headers={"X-Big": "x" * 20000})
    assert refused.status == 400
    assert refused.json()["status"] == 400


@pytest.mark.parametrize(
    ("path", "header"),
    [
        ("/api/v1/status?date=1998-01-01", b"User-Agent: bell\x07"),
        ("/da/?date=1998-01-02", b"Cookie: django_language=\x1b[31mda"),
        ("/admin/login/", b"Referer: https://127.0.0.1/\x7f"),
    ],
)
def test_a_control_byte_in_a_header_gets_the_edges_own_answer(stack, path, header):
    """gunicorn refuses a control byte in any header value with its own bare HTML: the edge
    refuses it first (where a request would reach the app: a cache miss, the admin), in the
    API's shape under /api/ and the site's language elsewhere."""
    edge = stack["edge"]
    where = urlsplit(edge.url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as connection:
        connection.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".encode()
            + header
            + b"\r\n\r\n"
        )
        raw = b"".join(iter(lambda: connection.recv(65536), b""))
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), head[:60]
    assert b"Content-Security-Policy: default-src 'none'" in head
    if path.startswith("/api/"):
        assert json.loads(body)["status"] == 400
    else:
        assert f'<html lang="{"da" if path.startswith("/da/") else "en"}">'.encode() in body


def test_the_access_log_says_which_method_the_client_sent_for_a_refusal(stack):
    """An edge refusal is answered by an internal GET of its error page; the log keeps the
    client's POST (brute force must not look like page views)."""
    edge = stack["edge"]
    refused = ask(edge.url, "/api/v1/status", method="TRACE")
    mine = access_log_line(edge, refused)
    assert (mine["method"], mine["status"]) == ("TRACE", 405)


def test_the_edge_does_not_tell_clients_whether_it_kept_an_answer(stack):
    """Whether an answer came from the cache is for the operator (the access log's "cache"), not
    for a client timing the site's renewals."""
    edge = stack["edge"]
    answers = [ask(edge.url, "/en/timeline/") for _ in range(2)]
    assert all("X-Cache-Status" not in answer.headers for answer in answers)
    assert cache_status(edge, answers[1]) == "HIT"


def test_metrics_are_never_served_to_the_public(stack):
    edge = stack["edge"]
    for path in ("/metrics", "/metrics/", "/%6Detrics", "//metrics", "/metrics?format=json"):
        assert ask(edge.url, path).status == 404, path


def test_stub_status_is_on_the_internal_port_only(stack):
    edge = stack["edge"]
    inside = ask(f"http://127.0.0.1:{edge.ports.stub_status}", "/stub_status")
    assert inside.status == 200
    assert "Active connections" in inside.text
    assert ask(edge.url, "/stub_status").status == 404


def cache_status(edge, answer: Answer) -> str:
    """Whether the edge answered from its cache (HIT, UPDATING...; "" when the location keeps
    nothing), from its access log: the edge does not tell the client."""
    return access_log_line(edge, answer)["cache"]


def waited_for_the_app(line: dict) -> bool:
    """Whether a request (its access log line) waited for the app's own answer: the edge had no
    copy it could use, and the renewer had none made that second (not HIT)."""
    return line["cache"] in ("MISS", "EXPIRED") and line["renewal"] != "HIT"


def logged(edge, answers: list[Answer], seconds: float = 5) -> dict[str, dict]:
    """The access log's lines of ``answers`` by request id, once every one is written: nginx logs
    a request after its answer is out, in blocks at most a second apart (a margin for a busy
    machine on top)."""
    deadline = time.monotonic() + seconds
    while True:
        lines = {line["request_id"]: line for line in map(json.loads, edge.access_log())}
        missing = [a for a in answers if a.headers["X-Request-ID"] not in lines]
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not missing, f"{len(missing)} answers not logged within {seconds} s"
    return lines


def access_log_line(edge, answer: Answer) -> dict:
    """The access log's line of one answer."""
    return logged(edge, [answer], seconds=3)[answer.headers["X-Request-ID"]]


def test_the_access_log_is_one_json_object_a_line_with_the_request_id(stack):
    edge = stack["edge"]
    answer = ask(edge.url, "/en/accessibility/")
    request_id = answer.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    mine = access_log_line(edge, answer)
    assert mine["status"] == 200
    assert mine["uri"] == "/en/accessibility/"
    assert isinstance(mine["request_time"], float)
    assert "upstream_time" in mine
    assert mine["cache"] in ("MISS", "HIT", "EXPIRED", "STALE", "UPDATING")


def test_a_missing_app_gets_the_edges_502_page():
    need_nginx()
    with edge_tools.edge([f"127.0.0.1:{free_port()}"]) as down:
        page = ask(down.url, "/en/")
        api = ask(down.url, "/api/v1/status")
        # The admin's language is the one staff chose (the cookie), else their browser's.
        staff_da = ask(down.url, "/admin/", headers={"Cookie": "django_language=da"})
        browser_da = ask(down.url, "/admin/", headers={"Accept-Language": "da-DK,da;q=0.9"})
        staff_en = ask(
            down.url, "/admin/", headers={"Cookie": "django_language=en", "Accept-Language": "da"}
        )
    assert page.status == 502
    assert "not available right now" in page.text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert api.status == 502
    assert api.headers["Content-Type"] == "application/json"
    assert api.json()["status"] == 502
    assert api.json()["field"] is None
    assert '<html lang="da">' in staff_da.text
    assert "Tjenesten er ikke tilgængelig lige nu" in staff_da.text
    assert '<html lang="da">' in browser_da.text
    assert '<html lang="en">' in staff_en.text


# --- what the app receives ---------------------------------------------------------------------


@contextmanager
def echo_server(delay: float = 0):
    """An upstream that answers every request with the headers it received, as JSON (after
    `delay` seconds, each request in its own thread)."""

    def echo(request: Request) -> Response:
        time.sleep(delay)
        return Response(json.dumps(dict(request.headers)), content_type="application/json")

    with HTTPServer(host="127.0.0.1", threaded=True) as server:
        server.expect_request(re.compile(".*")).respond_with_handler(echo)
        yield f"127.0.0.1:{server.port}"


def test_while_the_app_cannot_answer_a_copy_is_served_only_as_long_as_the_app_allowed():
    """The app's stale-if-error is the whole allowance: the last copy while it holds, then the
    edge's own 502 page, never an answer past its last second (the app ends the allowance
    before a scheduled change)."""
    need_nginx()
    made: list[int] = []

    def answer(request: Request) -> Response:
        made.append(int(time.time()))
        headers = {
            "Cache-Control": "public, stale-while-revalidate=0, stale-if-error=2",
            "X-Accel-Expires": f"@{made[-1]}",
        }
        return Response("the copy", content_type="text/plain", headers=headers)

    with HTTPServer(host="127.0.0.1") as app:
        app.expect_request("/en/").respond_with_handler(answer)
        with edge_tools.edge([f"127.0.0.1:{app.port}"]) as front:
            assert ask(front.url, "/en/").body == b"the copy"
            app.stop()
            time.sleep(max(0.0, made[-1] + 1.3 - time.time()))
            stale = ask(front.url, "/en/")  # past its second, within the allowance
            time.sleep(max(0.0, made[-1] + 3.3 - time.time()))
            gone = ask(front.url, "/en/")
    assert made == [made[0]], "the app was asked once"
    assert (stale.status, stale.body) == (200, b"the copy")
    assert gone.status == 502
    assert "not available right now" in gone.text


def test_the_app_gets_the_request_id_and_forwarded_headers_from_the_edge_only():
    need_nginx()
    with echo_server() as upstream, edge_tools.edge([upstream]) as front:
        answer = ask(
            front.url,
            "/en/?echo=1",
            headers={
                "X-Forwarded-For": "203.0.113.9",
                "X-Forwarded-Proto": "http",
                "X-Forwarded-Host": "evil.example",
                "X-Request-ID": "chosen-by-the-client",
                "Forwarded": "for=203.0.113.9",
                "X-Unread": "a header the app does not read",
                "If-None-Match": '"abc"',
                "Cookie": "sessionid=1",
            },
            source="127.0.0.2",
        )
    received = {name.lower(): value for name, value in answer.json().items()}
    assert received["x-forwarded-for"] == "127.0.0.2"
    assert received["x-forwarded-proto"] == "https"
    assert "if-none-match" not in received  # the edge asks for whole answers: it keeps them
    assert received["cookie"] == "sessionid=1"
    for name in ("x-forwarded-host", "forwarded", "x-unread"):
        assert name not in received, name
    assert received["x-request-id"] == answer.headers["X-Request-ID"]
    assert received["x-request-id"] != "chosen-by-the-client"


# --- the template itself -----------------------------------------------------------------------


def test_the_template_reads_only_app_address_and_edge_port():
    assert edge_tools.template_variables() == {"APP_ADDRESS", "EDGE_PORT"}


def test_the_template_rendered_by_envsubst_passes_nginx_t_inside_http(tmp_path):
    need_nginx()
    rendered = subprocess.run(
        ["envsubst", "${APP_ADDRESS} ${EDGE_PORT}"],
        input=edge_tools.TEMPLATE.read_text(),
        env={**os.environ, "APP_ADDRESS": "app:8000", "EDGE_PORT": "8080"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert rendered == edge_tools.render("app:8000", "8080")
    assert "$request_id" in rendered
    assert "${" not in rendered
    (tmp_path / "default.conf").write_text(rendered.replace("app:8000", "127.0.0.1:9"))
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  include {tmp_path}/default.conf;\n}}\n"
    )
    check = subprocess.run(
        [edge_tools.NGINX, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_gunicorn_opens_no_control_socket_in_home(stack):
    assert not (stack["home"] / ".gunicorn").exists()
    assert list(stack["home"].iterdir()) == []


def test_the_container_healthcheck_passes_with_production_hosts(tmp_path):
    dockerfile = (ROOT / "Dockerfile").read_text()
    command = json.loads(re.search(r"HEALTHCHECK .*?\n\s+CMD (\[.*\])", dockerfile).group(1))
    database = tmp_path / "db.sqlite3"
    env = production_env(
        DATABASE_URL=f"sqlite:///{database}", ALLOWED_HOSTS="eid.example.dk", PROXY_COUNT="1"
    )
    prepare(env)
    with gunicorn(env, workers=1) as app:
        port = urlsplit(app.url).port
        probe = subprocess.run(command, env={**env, "PORT": str(port)}, timeout=10, check=False)
        forged = ask(app.url, "/en/", headers={"X-Forwarded-Proto": "https"})
    assert probe.returncode == 0
    assert forged.status == 400


def test_tls_at_the_edge_serves_https_and_redirects_plain_http(tmp_path):
    need_nginx()
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(tmp_path / "tls.key"),
            "-out",
            str(tmp_path / "tls.crt"),
        ],
        check=True,
        capture_output=True,
    )
    tls_port = free_port()
    snippet = (
        (ROOT / "edge" / "tls.conf")
        .read_text()
        .replace("listen 8443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;")
        .replace("/etc/nginx/certs", str(tmp_path))
    )
    with (
        echo_server() as upstream,
        edge_tools.edge([upstream], snippets={"tls.conf": snippet}) as front,
    ):
        plain = ask(front.url, "/en/?date=2023-07-01")
        context = ssl.create_default_context(cafile=str(tmp_path / "tls.crt"))
        secure = http.client.HTTPSConnection("127.0.0.1", tls_port, timeout=10, context=context)
        secure.request("GET", "/en/?echo=tls")
        answer = secure.getresponse()
        received = {k.lower(): v for k, v in json.loads(answer.read()).items()}
        secure.close()
    assert plain.status == 308
    assert plain.headers["Location"] == "https://127.0.0.1/en/?date=2023-07-01"
    assert answer.status == 200
    assert received["x-forwarded-proto"] == "https"


def test_when_the_app_is_saturated_the_edge_answers_503_at_once():
    need_nginx()
    with echo_server(delay=2.0) as slow_app, edge_tools.edge([slow_app]) as front:
        results = []

        def miss(number: int) -> None:
            source = f"127.0.1.{1 + number % 4}"  # four clients, under the per-client limit
            results.append(ask(front.url, f"/api/v1/status?n={number}", source=source))

        threads = [threading.Thread(target=miss, args=(n,)) for n in range(72)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    busy = [answer for answer in results if answer.status == 503]
    assert len([answer for answer in results if answer.status == 200]) <= 64
    assert busy, [answer.status for answer in results]
    assert all(answer.seconds < 1.5 for answer in busy)
    assert busy[0].json()["status"] == 503
    assert busy[0].headers["Retry-After"] == "10"
