"""Fault drills: the app under gunicorn while a part fails, counted from outside.

Each drill starts a real site (gunicorn with the project's config, a database of its own), breaks
one part (a TCP proxy in front of PostgreSQL that can be cut or made to hang, an SQLite lock,
editors saving at once, changes from another process) and counts what visitors and staff get:
answers served, stale answers, 5xx. ``tests/deploy/test_faults.py`` asserts on them;
``python -m tools.faults`` prints them all as JSON (run it in another checkout to measure that
code).

Only loopback is used; every loop is bounded in count and time.
"""

import contextlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

from tools.serve import ROOT, ProxiedClient, gunicorn, manage, prepare, production_env

PASSWORD = "fault-drill-password-42"  # noqa: S105  (throw-away staff on a throw-away site)
STAFF = ("ann", "bob", "cid", "dan")
CLOSED_TEXT = "can no longer be used"
PAGES = [
    "/en/?date=2024-01-01",
    "/da/?date=2023-07-01",
    "/en/timeline/?date=2023-07-01",
    "/api/v1/status?date=2023-07-01",
    "/milestones.ics",
]


# --- Parts that fail -----------------------------------------------------------------------


class TcpProxy:
    """A loopback TCP proxy to ``port`` that can be cut (connections reset at once) or made to
    hang (connections accepted, never answered), and restored."""

    def __init__(self, port: int):
        self.target = ("127.0.0.1", port)
        self.mode = "open"
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.sockets.append(client)
            if self.mode == "hang":
                continue
            if self.mode == "cut":
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()

    def _drop_all(self) -> None:
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()
            self.sockets.clear()

    def cut(self) -> None:
        """Every connection is reset, and new ones are closed at once."""
        self.mode = "cut"
        self._drop_all()

    def hang(self) -> None:
        """Every connection is dropped; new ones are accepted and never answered."""
        self.mode = "hang"
        self._drop_all()

    def restore(self) -> None:
        self._drop_all()
        self.mode = "open"

    def close(self) -> None:
        self.listener.close()
        self._drop_all()


@contextlib.contextmanager
def postgres_database(server_url: str, name: str):
    """A fresh PostgreSQL database ``name`` on the server of ``server_url``, dropped afterwards."""
    import psycopg

    parts = urlsplit(server_url.replace("postgres://", "postgresql://"))
    server = urlunsplit(parts._replace(path="/postgres"))  # the maintenance database
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- The site and its visitors -------------------------------------------------------------


@contextlib.contextmanager
def site(database_url: str = "", workers: int = 2, migrate_url: str = ""):
    """gunicorn with the project's config over a fresh database (SQLite unless given), with staff
    users ann, bob, cid and dan."""
    with tempfile.TemporaryDirectory() as folder:
        database_url = database_url or f"sqlite:///{folder}/db.sqlite3"
        env = production_env(DATABASE_URL=database_url, LOG_LEVEL="warning")
        setup = {**env, "DATABASE_URL": migrate_url or database_url}
        prepare(setup)
        for name in STAFF:
            manage(
                "createsuperuser", "--noinput", "-v0", "--username", name,
                "--email", f"{name}@example.org",
                env={**setup, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            )  # fmt: skip
        with gunicorn(env, workers=workers) as server:
            yield Site(server.url, env, database_url)


class Site:
    def __init__(self, url: str, env: dict, database_url: str):
        self.url = url
        self.env = env
        self.database_url = database_url

    def get(self, path: str, timeout: float = 15) -> tuple[int, str, float]:
        """Status, body and seconds for one visitor's request (599 when it got no answer)."""
        start = time.monotonic()
        try:
            response = requests.get(self.url + path, timeout=timeout)
        except requests.RequestException:
            return 599, "", time.monotonic() - start
        return response.status_code, response.text, time.monotonic() - start

    def visit(self, paths: list[str], count: int) -> list[tuple[int, str, float]]:
        """``count`` requests over ``paths``, two at a time (both workers busy)."""
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(self.get, [paths[i % len(paths)] for i in range(count)]))

    def shell(self, code: str, database_url: str = "") -> str:
        """Run Python in a Django shell of another process (not a gunicorn worker), on the site's
        database or on ``database_url`` (the same database by another way)."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v0", "-c", code],
            cwd=ROOT,
            env={**self.env, "DATABASE_URL": database_url or self.database_url},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return result.stdout


def tally(results) -> dict:
    statuses = Counter(status for status, _body, _seconds in results)
    return {
        "requests": len(results),
        "answered_2xx": sum(n for s, n in statuses.items() if 200 <= s < 300),
        "5xx": sum(n for s, n in statuses.items() if s >= 500),
        "over_100ms": sum(sec > 0.1 for *_, sec in results),
        "max_ms": round(max((sec for *_, sec in results), default=0) * 1000),
    }


class FormFields(HTMLParser):
    """The fields a browser would send for the form with ``form_id``."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None


class Staff(ProxiedClient):
    """An editor's browser on the admin, logged in."""

    timeout = 60  # saves under a held lock wait for it

    def __init__(self, base: str, username: str):
        super().__init__(base)
        token = self.csrf_token("/admin/login/")
        response = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302, response.text[:300]

    def form(self, path: str, form_id: str) -> list[tuple[str, str]]:
        parser = FormFields(form_id)
        parser.feed(self.request("GET", path).text)
        return parser.fields

    def submit(self, path: str, fields: list[tuple[str, str]], **changes) -> requests.Response:
        """Post ``fields`` with ``changes`` (a list value sets several, None removes)."""
        sent = [(k, v) for k, v in fields if k not in changes]
        for name, value in changes.items():
            if value is None:
                continue
            sent.extend((name, v) for v in (value if isinstance(value, list) else [value]))
        return self.request("POST", path, data=sent)


def milestone_pk(site: Site, day: str, audience: str = "citizen") -> int:
    code = (
        "from guidance.models import Milestone; "
        f"print(Milestone.objects.get(date='{day}', audience='{audience}').pk)"
    )
    return int(site.shell(code).strip())


def old_and_new(results, old: str, new: str) -> dict:
    """How many answers show the ``new`` text, how many are stale (answered without it)."""
    bodies = [body for status, body, _ in results if status == 200]
    return {
        "old": sum(new not in b for b in bodies),
        "new": sum(new in b for b in bodies),
        "5xx": sum(status >= 500 for status, *_ in results),
    }


# --- The drills ----------------------------------------------------------------------------


def database_down(server_url: str) -> dict:
    """PostgreSQL cut for 6 s under visitors, while another instance (which still reaches it)
    saves an edit; then back. Visitors should get the content held meanwhile, and the edit on
    the next request once the database answers again."""
    edit = (
        "from guidance.models import Milestone; Milestone.objects.filter(date='2023-10-31', "
        "audience='citizen').update(summary_en='EDITED-IN-OUTAGE')"
    )
    page = PAGES[0]
    with postgres_database(server_url, "faults_drill_database_down") as url:
        parts = urlsplit(url)
        proxy = TcpProxy(parts.port or 5432)
        proxied = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
        try:
            with site(database_url=proxied, migrate_url=url) as s:
                s.visit(PAGES, 20)
                proxy.cut()
                s.shell(edit, database_url=url)
                during, deadline = [], time.monotonic() + 6
                while time.monotonic() < deadline and len(during) < 400:
                    during += s.visit([*PAGES, "/en/?date=2022-02-02"], 10)
                healthz = s.get("/healthz")[0]
                proxy.restore()
                # A worker leaves a failed database alone for a second (RETRY_SECONDS in
                # guidance/snapshot.py) before it asks again.
                time.sleep(1.1)
                first = s.get(page)
                next_requests = old_and_new(s.visit([page], 20), CLOSED_TEXT, "EDITED-IN-OUTAGE")
                back = tally(s.visit(PAGES, 20))
        finally:
            proxy.close()
    return {
        "during_6s": tally(during),
        "edit_served_during": sum("EDITED-IN-OUTAGE" in body for _, body, _ in during),
        "healthz_during": healthz,
        "first_request_after": {"status": first[0], "edit_served": "EDITED-IN-OUTAGE" in first[1]},
        "next_requests_after": next_requests,
        "back": back,
    }


def concurrent_sqlite_saves(editors: int = 4, saves: int = 10) -> dict:
    """Editors pressing save at the same moment, each on their own milestone (SQLite)."""
    days = ["2010-01-01", "2022-10-30", "2023-06-30", "2023-10-31"]
    with site(workers=4) as s:
        pks = [milestone_pk(s, day) for day in days[:editors]]
        staff = [Staff(s.url, name) for name in STAFF[:editors]]

        def edit(n: int) -> list[int]:
            change = f"/admin/guidance/milestone/{pks[n]}/change/"
            codes = []
            for i in range(saves):
                fields = staff[n].form(change, "milestone_form")
                title = dict(fields)["title_en"].split(" #")[0]
                codes.append(
                    staff[n]
                    .submit(change, fields, title_en=f"{title} #{i}", _save="Save")
                    .status_code
                )
            return codes

        with ThreadPoolExecutor(editors) as pool:
            codes = [c for batch in pool.map(edit, range(editors)) for c in batch]
    counts = Counter(codes)
    return {
        "saves": len(codes),
        "saved_302": counts[302],
        "5xx": sum(n for c, n in counts.items() if c >= 500),
    }


def lost_update() -> dict:
    """Two editors open the same milestone; both change the title; the second saves last."""
    with site() as s:
        change = f"/admin/guidance/milestone/{milestone_pk(s, '2023-10-31')}/change/"
        ann, bob = Staff(s.url, "ann"), Staff(s.url, "bob")
        ann_form, bob_form = ann.form(change, "milestone_form"), bob.form(change, "milestone_form")
        first = ann.submit(change, ann_form, title_en="Ann's title", _save="Save")
        second = bob.submit(change, bob_form, title_en="Bob's title", _save="Save")
        title = s.shell(
            "from guidance.models import Milestone; "
            "print(Milestone.objects.get(date='2023-10-31', audience='citizen').title_en)"
        ).strip()
    return {
        "first_save": first.status_code,
        "second_save": second.status_code,
        "second_told": "Ann" in second.text
        and "title" in second.text.lower()
        and second.status_code == 200,
        "stored_title": title,
    }


def revert_requirements() -> dict:
    """A way's requirements are removed, then the way is reverted to its first version."""
    with site() as s:
        pk = int(s.shell(
            "from guidance.models import EnrollmentOption; "
            "print(EnrollmentOption.objects.get(slug='mitid-app').pk)"
        ))  # fmt: skip
        ann = Staff(s.url, "ann")
        change = f"/admin/guidance/enrollmentoption/{pk}/change/"
        fields = ann.form(change, "enrollmentoption_form")
        before = sorted(v for k, v in fields if k == "requirements")
        ann.submit(change, fields, requirements=None, _save="Save")
        history = ann.request("GET", f"/admin/guidance/enrollmentoption/{pk}/history/").text
        first = min(int(i) for i in re.findall(rf"/enrollmentoption/{pk}/history/(\d+)/", history))
        revert = f"/admin/guidance/enrollmentoption/{pk}/history/{first}/"
        form = ann.form(revert, "historicalenrollmentoption_form")
        reverted = ann.submit(revert, form, _save="Save")
        after = s.shell(
            "from guidance.models import EnrollmentOption; "
            "print(sorted(EnrollmentOption.objects.get(slug='mitid-app')"
            ".requirements.values_list('pk', flat=True)))"
        ).strip()
        no_passport = s.get("/api/v1/status?date=2024-01-01&passport=no")[1]
    return {
        "requirements_before": len(before),
        "revert_status": reverted.status_code,
        "requirements_after_revert": len(json.loads(after)),
        "app_offered_without_passport": any(
            o["slug"] == "mitid-app" for o in json.loads(no_passport)["enrollment_options"]
        ),
    }


def bulk_edit(rows: int = 300) -> dict:
    """The self-services' list with ``rows`` rows, every order changed in one save."""
    with site() as s:
        s.shell(
            "from guidance.models import SelfService; SelfService.objects.bulk_create("
            "[SelfService(name_en=f'Service {i}', name_da=f'Tjeneste {i}') "
            f"for i in range({rows})])"
        )
        ann = Staff(s.url, "ann")
        fields = ann.form("/admin/guidance/selfservice/", "changelist-form")
        shown = sum(1 for k, _ in fields if re.fullmatch(r"form-\d+-id", k))
        changes = {k: "7" for k, _ in fields if re.fullmatch(r"form-\d+-order", k)}
        response = ann.submit("/admin/guidance/selfservice/", fields, _save="Save", **changes)
        changed = int(s.shell(
            "from guidance.models import SelfService; "
            "print(SelfService.objects.filter(order=7).count())"
        ))  # fmt: skip
        public = s.get("/api/v1/status?" + "&".join(f"f{i}=1" for i in range(250)))[0]
    return {
        "rows_on_the_page": shown,
        "fields_sent": len(fields) + 1,
        "save_status": response.status_code,
        "rows_changed": changed,
        "public_250_fields_status": public,
    }


def changes_bypassing_the_admin() -> dict:
    """Changes the old content version missed: requirements alone, QuerySet.update, bulk_create.
    Each is made by another process; visitors ask right after."""
    out = {}
    with site() as s:
        pk = int(s.shell(
            "from guidance.models import EnrollmentOption; "
            "print(EnrollmentOption.objects.get(slug='mitid-app').pk)"
        ))  # fmt: skip
        api = "/api/v1/status?date=2024-01-01"
        s.visit([api], 10)
        s.shell(
            "from guidance.models import EnrollmentOption; "
            f"EnrollmentOption.objects.get(pk={pk}).requirements.clear()"
        )
        out["requirements_only"] = requirement_counts(s.visit([api], 20))

        page = "/en/?date=2024-01-01"
        s.visit([page], 10)
        s.shell(
            "from guidance.models import Milestone; Milestone.objects.filter(date='2023-10-31', "
            "audience='citizen').update(summary_en='UPDATED-BY-QUERYSET')"
        )
        out["queryset_update"] = old_and_new(
            s.visit([page], 20), CLOSED_TEXT, "UPDATED-BY-QUERYSET"
        )

        s.shell(
            "from guidance.models import SelfService; SelfService.objects.bulk_create("
            "[SelfService(name_en='BULK-CREATED service', name_da='BULK-CREATED tjeneste')])"
        )
        out["bulk_create"] = old_and_new(s.visit([page], 20), "UPDATED-BY-QUERYSET", "BULK-CREATED")
    return out


def requirement_counts(results) -> dict:
    """How many API answers still list the app's requirements (old), how many list none (new)."""
    counts = []
    for status, body, _ in results:
        if status == 200:
            option = next(
                o for o in json.loads(body)["enrollment_options"] if o["slug"] == "mitid-app"
            )
            counts.append(len(option["requirements"]))
    return {
        "old": sum(c > 0 for c in counts),
        "new": sum(c == 0 for c in counts),
        "5xx": sum(status >= 500 for status, *_ in results),
    }


def health_and_locks() -> dict:
    """/healthz with an empty content table and a missing table; pages with an SQLite lock held."""
    out = {}
    with site() as s:
        s.visit(PAGES, 10)
        path = s.database_url.removeprefix("sqlite:///")
        db = sqlite3.connect(path, timeout=1, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        held, deadline = [], time.monotonic() + 4
        while time.monotonic() < deadline and len(held) < 200:
            held += s.visit([*PAGES, "/en/?date=2021-03-03"], 7)
            time.sleep(0.2)
        healthz = s.get("/healthz")[0]
        db.execute("ROLLBACK")
        out["healthz_with_the_lock_held"] = healthz
        out["sqlite_exclusive_lock_held"] = tally(held)
        s.shell("from guidance.models import Milestone; Milestone.objects.all().delete()")
        time.sleep(2.5)
        out["no_milestones"] = {"healthz": s.get("/healthz")[0], "page": s.get("/en/")[0]}
        db.execute("DROP TABLE guidance_selfservice")
        db.close()
        time.sleep(2.5)
        out["table_missing"] = {"healthz": s.get("/healthz")[0], "page": s.get("/en/")[0]}
    return out


DRILLS = {
    "database_down": None,  # needs a PostgreSQL server: TEST_DATABASE_URL
    "concurrent_sqlite_saves": concurrent_sqlite_saves,
    "lost_update": lost_update,
    "revert_requirements": revert_requirements,
    "bulk_edit": bulk_edit,
    "changes_bypassing_the_admin": changes_bypassing_the_admin,
    "health_and_locks": health_and_locks,
}


def main() -> None:
    os.chdir(ROOT)
    wanted = sys.argv[1:] or list(DRILLS)
    results = {}
    for name in wanted:
        start = time.monotonic()
        try:
            if name == "database_down":
                server = os.environ.get("TEST_DATABASE_URL", "")
                results[name] = database_down(server) if server else "skipped: no TEST_DATABASE_URL"
            else:
                results[name] = DRILLS[name]()
        except Exception as error:  # noqa: BLE001  (a drill that breaks is a figure too)
            results[name] = f"failed: {type(error).__name__}: {error}"
        print(f"{name} ({time.monotonic() - start:.0f} s): {json.dumps(results[name])}", flush=True)
    Path(ROOT / "faults-results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
