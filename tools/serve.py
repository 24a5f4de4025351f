"""Run the app as production does (gunicorn, DEBUG off) on a loopback port: for the browser
tests, the benchmark and the Lighthouse audit."""

import atexit
import itertools
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent


# Ports handed out: each process takes them from its own range below the kernel's ephemeral ports
# (32768 up, which the kernel hands out to any socket), so a port one pytest worker has picked and
# not yet bound is never picked by another, nor given by the kernel to an outgoing connection.
PORTS_FROM, PORTS_EACH, RANGES = 20000, 500, 24


@cache
def own_ports() -> Iterator[int]:
    """This process's range, round and round (xdist's worker gwN takes range N; any other
    process the last one)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker[2:]) % (RANGES - 1) if worker.startswith("gw") else RANGES - 1
    first = PORTS_FROM + index * PORTS_EACH
    return itertools.cycle(range(first, first + PORTS_EACH))


def free_port() -> int:
    """A free port on loopback, the next of this process's range that nothing has bound."""
    for port in itertools.islice(own_ports(), PORTS_EACH):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue  # in use (by a server of this process, or left over)
            return port
    raise RuntimeError("no free port left in this process's range")


def wait_until_healthy(base_url: str, seconds: float = 30) -> float:
    """Seconds until /healthz answered 200; fails the test if it never does."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{base_url} did not become healthy within {seconds} s")


def production_env(**overrides) -> dict:
    """The environment of a production process on loopback."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "eidguide.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "warning",
        # Its own static files: servers started side by side (pytest's workers) would otherwise
        # collect into one folder while another serves it, and a file rewritten under a server
        # goes out with the wrong length.
        "STATIC_ROOT": tempfile.mkdtemp(prefix="eidguide-static-"),
    }
    env.update(overrides)
    return env


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


# What the first prepare() in this process made, kept apart for later ones to copy.
_templates: dict[str, Path] = {}


def prepare(env: dict) -> None:
    """What a release does before serving: migrate the database (the seed included) and collect
    the static files.

    The tests start some twenty servers, and migrating and collecting (which compresses every
    file) cost 2.8 s of CPU each: a process does both once, keeps a copy, and copies it for the
    next server (an SQLite database; PostgreSQL is migrated every time). Neither reads a setting
    that differs between servers."""
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    static = Path(env["STATIC_ROOT"])
    if not _templates:
        _templates["folder"] = Path(tempfile.mkdtemp(prefix="eidguide-prepared-"))
        atexit.register(shutil.rmtree, _templates["folder"], ignore_errors=True)
    kept = _templates["folder"]
    if database == env["DATABASE_URL"]:
        manage("migrate", "--noinput", "-v0", env=env)
    elif (kept / "db.sqlite3").exists():
        copy_sqlite(kept / "db.sqlite3", Path(database))
    else:
        manage("migrate", "--noinput", "-v0", env=env)
        copy_sqlite(Path(database), kept / "db.sqlite3")
    if (kept / "static").exists():
        shutil.copytree(kept / "static", static, dirs_exist_ok=True)
    else:
        manage("collectstatic", "--noinput", "-v0", env=env)
        shutil.copytree(static, kept / "static")


def copy_sqlite(source: Path, target: Path) -> None:
    """A whole copy of an SQLite database, whatever is still in its write-ahead log."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def add_superuser(env: dict, username: str, password: str) -> None:
    """A superuser for the admin, as an operator creates the first one."""
    manage(
        "createsuperuser", "--noinput", "--username", username, "--email", "e@example.org",
        env={**env, "DJANGO_SUPERUSER_PASSWORD": password},
    )  # fmt: skip


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    process: subprocess.Popen


def stop(process: subprocess.Popen, seconds: float = 15) -> None:
    """Ask a server to stop (SIGTERM), and kill it if it has not within ``seconds``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def gunicorn(env: dict, workers: int | None = None, log: Path | None = None):
    """A gunicorn serving the app with the project's config (workers as it says, unless given);
    its output goes to ``log`` when given, else to a temporary file (a file, not a pipe: a full
    pipe would stall gunicorn)."""
    port = free_port()
    env = {**env, "PORT": str(port)}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    with log.open("wb") if log else tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "eidguide.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base_url)
            yield Server(base_url, process.pid, process)
        finally:
            stop(process)


class ProxiedClient:
    """A cookie-keeping client for an instance behind a TLS proxy: it sends X-Forwarded-Proto and
    a same-origin Referer, and passes on the admin's Secure cookies, which a plain-HTTP cookie jar
    would withhold."""

    timeout = 10

    def __init__(self, base: str, host: str | None = None):
        self.base = base
        self.host = host or urlsplit(base).netloc  # the Host header: the site's name, if given
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.host}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        response = requests.request(
            method,
            self.base + path,
            headers=headers,
            allow_redirects=False,
            timeout=self.timeout,
            **kwargs,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def log_in(self, username: str, password: str) -> None:
        """Log in to the admin, as staff do, or fail saying what the login page answered."""
        login = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.csrf_token("/admin/login/"),
            },
        )
        assert login.status_code == 302, login.text[:500]

    def csrf_token(self, path: str) -> str:
        html = self.request("GET", path).text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
