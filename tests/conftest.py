"""Shared fixtures: production static files, no content held between tests, small helpers."""

import logging
import os
import tempfile
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from guidance import snapshot

# Fuzzing: a bounded run in every `make test`; HYPOTHESIS_PROFILE=long for a thorough one.
hypothesis_settings.register_profile("default", max_examples=500, deadline=None)
hypothesis_settings.register_profile("long", max_examples=5000, deadline=None)
# `make mutate` (once a mutant) and the clock drill (once a day): a short, repeatable fuzz.
hypothesis_settings.register_profile("short", max_examples=25, deadline=None, derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The stand-in servers (pytest-httpserver, on werkzeug) would log each request they answer, from
# their own threads, into whichever test's output is open; the tests read what they record.
# (A level, not `disabled`: Django's logging setup enables every logger again.)
logging.getLogger("werkzeug").setLevel(logging.WARNING)


# Code the migrations run: a mutant of it must meet the migrations, not a copy of their result.
MIGRATION_CODE = ("guidance.publishing.triggers.", "guidance.models.x_a_review_interval_from_today")


def use_database_template(template: Path) -> None:
    """`make mutate` (TEST_DB_TEMPLATE): the in-memory SQLite test database is built by the
    migrations once, in a run with no mutant switched on, and copied into every later run, so a
    mutant's run skips the migrations (most of its cost). A mutant of code the migrations run
    still migrates."""
    import sqlite3

    from django.conf import settings
    from django.db.backends.sqlite3.creation import DatabaseCreation

    migrate = DatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=None, keepdb=False):
        mutant = os.environ.get("MUTANT_UNDER_TEST", "")
        name = self._get_test_db_name()
        if (
            self.connection.alias != "default"
            or not self.is_in_memory_db(name)
            or mutant.startswith(MIGRATION_CODE)
        ):
            return migrate(self, verbosity, autoclobber, serialize, keepdb)
        if not template.exists():
            name = migrate(self, verbosity, autoclobber, serialize, keepdb)
            if "__mutmut_" not in mutant:
                partial = template.with_name(f"{template.name}.{os.getpid()}")
                copy = sqlite3.connect(partial)
                self.connection.connection.backup(copy)
                copy.close()
                os.replace(partial, template)
            return name
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        built = sqlite3.connect(template)
        built.backup(self.connection.connection)
        built.close()
        return name

    DatabaseCreation.create_test_db = create_test_db


def index_static_files_once() -> None:
    """WhiteNoise indexes every static file when its middleware is made (a stat and the headers of
    each file and its compressed copies). A server makes it once per process; the test client makes
    the middleware chain again for every test, which cost about a tenth of a second a test (half of
    a mutant's run under `make mutate`). Here the index is made once per folder and settings, and
    every test's middleware gets the same files, as every request of one server process does."""
    from django.conf import settings
    from whitenoise.base import WhiteNoise

    index_files = WhiteNoise.update_files_dictionary
    indexes: dict[tuple, dict] = {}

    def update_files_dictionary(self, root, prefix):
        manifest = Path(root) / "staticfiles.json"
        key = (
            type(self),
            root,
            prefix,
            manifest.stat().st_mtime_ns if manifest.exists() else None,
            settings.DEBUG,
            settings.STATIC_URL,
            tuple(
                sorted((k, repr(getattr(settings, k))) for k in dir(settings) if "WHITENOISE" in k)
            ),
        )
        if key not in indexes:
            before = dict(self.files)
            index_files(self, root, prefix)
            indexes[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(indexes[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary


index_static_files_once()

if os.environ.get("TEST_DB_TEMPLATE"):
    use_database_template(Path(os.environ["TEST_DB_TEMPLATE"]))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark `database` every test that reaches the test database: pytest-django's `django_db`
    marker, or a fixture that needs the database (`db`, `transactional_db`, `admin_client`...).
    pytest-django refuses the database to any other test, so only these can differ between SQLite
    and PostgreSQL (`make test-services` runs them on PostgreSQL)."""
    for item in items:
        if item.get_closest_marker("django_db") or "_django_db_helper" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.database)


class WaitingTestsSpread:
    """The tests that wait up to a minute for the wall clock each start a worker's run of the
    collection (`make test`'s --dist worksteal hands each worker an equal run at first), so they
    wait at once while the other workers compute. One after another on one worker, they were
    the suite's last half minute; putting every slow module first as well made it longer (all
    servers at once)."""

    @pytest.hookimpl(trylast=True)  # after pytest has grouped the tests by their fixtures
    def pytest_collection_modifyitems(self, items):
        waiting = [item for item in items if item.get_closest_marker("minute")]
        rest = [item for item in items if not item.get_closest_marker("minute")]
        workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
        starts = [0]  # where each worker's run begins, as worksteal cuts them
        for worker in range(workers - 1):
            starts.append(starts[-1] + (len(items) - starts[-1]) // (workers - worker))
        items[:] = rest
        for n, item in enumerate(waiting):
            items.insert(starts[n % workers] + n // workers, item)


def pytest_configure(config):
    config.pluginmanager.register(WaitingTestsSpread())


# The edge's latency tests measure a few seconds of the edge under load, and bound its p99. On a
# two-core machine the rest of `make test` (four workers) took those seconds' CPU and failed them
# (p99 1.1 to 2.3 s against 1 s at a minute's turn; alone 48 ms). So such a test names its
# seconds here, and no worker starts another test in them or the few seconds before.
QUIET = Path(tempfile.gettempdir()) / (
    f"eidguide-quiet-{os.environ.get('PYTEST_XDIST_TESTRUNUID', os.getpid())}"
)


@pytest.fixture
def quiet_machine():
    """quiet_machine(start, end): no worker of this run starts a test from 5 s before `start`
    (time.time()) until `end`."""

    def ask(start: float, end: float) -> None:
        with QUIET.open("a") as windows:
            windows.write(f"{start - 5} {end}\n")

    return ask


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):  # the run's controller, after its workers
        QUIET.unlink(missing_ok=True)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if not QUIET.exists():
        return
    windows = [tuple(map(float, line.split())) for line in QUIET.read_text().splitlines()]
    while any(start <= time.time() < end for start, end in windows):
        time.sleep(0.1)


def pytest_sessionstart(session):
    """Say clearly what is missing instead of failing every Danish test."""
    catalogue = Path(__file__).resolve().parent.parent / "locale/da/LC_MESSAGES/django.mo"
    if not catalogue.exists():
        pytest.exit(
            f"{catalogue} is missing: run `make messages` (it needs GNU gettext: "
            "apt-get install gettext) or simply `make test`.",
            returncode=2,
        )


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Static files collected once, as in production (hashed names, gzip and brotli)."""
    from django.conf import settings

    # Tests create users; the production password hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # TEST_STATIC_ROOT: a folder to reuse across runs (`make mutate` runs the suite once a mutant,
    # and collecting compresses every file); collected there only when it has no manifest yet.
    reused = os.environ.get("TEST_STATIC_ROOT")
    if reused and (Path(reused) / "staticfiles.json").is_file():
        settings.STATIC_ROOT = Path(reused)
        return settings.STATIC_ROOT
    settings.STATIC_ROOT = Path(reused) if reused else tmp_path_factory.mktemp("staticfiles")
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.fixture(autouse=True)
def fresh_content_cache():
    """Each test starts with no content held: a rollback takes the version back, and the same
    number may come back with other content in the next test."""
    cache.clear()
    snapshot.forget()
    yield
    cache.clear()
    snapshot.forget()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request to a Danish page leaves Danish active
    in the thread (LocaleMiddleware activates it and nothing resets it), and a test that reads a
    message in English must not depend on which test ran before it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def client():
    """A test client that speaks HTTPS, as visitors do behind the TLS proxy."""
    return Client(headers={"x-forwarded-proto": "https", "host": "testserver"})


def answer_status(response) -> str:
    """The status code the page's answer element carries (data-nemid-status)."""
    html = response.content.decode()
    marker = 'data-nemid-status="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
