"""Real-browser tests: Debian's Chromium, driven by Playwright, against the app under gunicorn."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.must_run import in_ci
from tools.serve import add_superuser, gunicorn, manage, prepare, production_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAFF_PASSWORD = "browser-test-staff-password-5"
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "artifacts"


def ensure_chromium() -> None:
    """Install Debian's Chromium when it is missing; say clearly when that cannot be done."""
    if Path(CHROMIUM).exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("\nChromium is missing: installing Debian's chromium package with apt-get ...")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not Path(CHROMIUM).exists():
        message = (
            f"The browser tests need Debian's Chromium at {CHROMIUM}, and it could not be "
            "installed here. Install it with `sudo apt-get install chromium` and run again."
        )
        if in_ci():  # CI has root and installs Chromium: a browser test may not skip there
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The app as production serves it: gunicorn, DEBUG off, a fresh SQLite with the seed."""
    database = tmp_path_factory.mktemp("browser-db") / "db.sqlite3"
    env = production_env(DATABASE_URL=f"sqlite:///{database}")
    prepare(env)
    add_superuser(env, "editor", STAFF_PASSWORD)
    # Issue 16's roles: someone who prepares (Editors) and someone who publishes (Publishers).
    roles = (
        "from django.contrib.auth.models import Group, User\n"
        "for name, group in (('prepares', 'Editors'), ('publishes', 'Publishers')):\n"
        f"    user = User.objects.create_user(name, password={STAFF_PASSWORD!r}, is_staff=True)\n"
        "    user.groups.add(Group.objects.get(name=group))\n"
    )
    manage("shell", "-c", roles, env=env)
    with gunicorn(env, workers=2) as server:
        yield server.url


@pytest.fixture(scope="module")
def chromium():
    """One Chromium for a module's tests. Playwright runs an event loop in the thread while it
    is open, and Django refuses database work there: the next module's tests may need it."""
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
