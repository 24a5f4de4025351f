"""Screenshots of the pages issues 13 and 16 ask to see, into artifacts/ (headless Chromium, as the
browser tests use): an English answer for a date before NemID, the business answer the day
before closing, and the About page (issue 13); the "Last updated · See all updates" line of an
answer in both languages, the updates page, and the admin's list of rows to review, with a few
seeded rows made overdue or due for it (issue 16).

`python -m tools.screenshots --at 2101-01-01` instead serves the app under a faked clock
(libfaketime, as the clock drill does) at noon in Copenhagen on that day, with the database
seeded today, and shoots what a visitor sees for "today" in both languages and the admin's list
of rows to review (issue 24)."""

import sys
import tempfile
from datetime import datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.clock_drill import COPENHAGEN, MISSING, faked, find_libfaketime
from tools.serve import ROOT, add_superuser, gunicorn, manage, prepare, production_env

CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "answer-en-2009-12-31.png": "/en/?date=2009-12-31",
    "business-en-2023-10-30.png": "/en/?date=2023-10-30&audience=business",
    "about-en.png": "/en/about/",
    "updates-en.png": "/en/updates/",
}
# The page-dates line under an answer, with the end of the answer above it.
PAGE_DATES = {
    "last-updated-en.png": "/en/?date=2023-07-01",
    "last-updated-da.png": "/da/?date=2023-07-01",
}
STAFF_PASSWORD = "screenshots-staff-password-16"  # noqa: S105  (a throwaway database)
# Rows made due for the review list: one overdue, one never reviewed and overdue, one due soon.
MAKE_DUE = """
from datetime import timedelta
from guidance.rules.dates import today_in_copenhagen
from guidance.models import EnrollmentOption, Milestone, SelfService
today = today_in_copenhagen()
SelfService.objects.filter(pk=SelfService.objects.order_by("pk")[0].pk).update(
    review_by=today - timedelta(days=5))
EnrollmentOption.objects.filter(slug="mitid-business").update(
    review_by=today - timedelta(days=1), last_reviewed_on=None)
Milestone.objects.filter(status="closed", audience="citizen").update(
    review_by=today + timedelta(days=12))
"""


def shoot_page_dates(page, url: str, path: Path) -> None:
    """The page-dates line, with some of the page above and below it."""
    page.goto(url)
    box = page.locator(".page-dates").bounding_box()
    top = max(box["y"] - 140, 0)
    width = page.viewport_size["width"]
    clip = {"x": 0, "y": top, "width": width, "height": box["height"] + 200}
    page.screenshot(path=str(path), full_page=True, clip=clip)


def shoot_review_list(page, site: str, path: Path) -> None:
    """The admin's list of rows overdue or due within 30 days, as staff see it."""
    page.goto(site + "/admin/login/?next=/admin/review-due/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/review-due/")
    page.screenshot(path=str(path), full_page=True)


def shoot_review_button(page, site: str, path: Path) -> None:
    """A row's change form, with "Mark as reviewed" beside History (staff already logged in)."""
    page.goto(site + "/admin/guidance/milestone/4/change/")
    page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1024, "height": 320})


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
    )


def shoot_day(day: str, artifacts: Path) -> int:
    """Today's answer in English and Danish and the review list, served on ``day`` at noon."""
    library = find_libfaketime()
    if library is None:
        print(MISSING, file=sys.stderr)
        return 2
    noon = datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=COPENHAGEN)
    with tempfile.TemporaryDirectory(prefix="eidguide-shots-") as workdir:
        env = production_env(DATABASE_URL=f"sqlite:///{Path(workdir) / 'db.sqlite3'}")
        prepare(env)
        add_superuser(env, "editor", STAFF_PASSWORD)
        with gunicorn(faked(noon, library, env), workers=2) as server, sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            for language in ("en", "da"):
                path = artifacts / f"today-{language}-{day}.png"
                page.goto(f"{server.url}/{language}/")
                page.screenshot(path=str(path), full_page=True)
                print(path)
            shoot_review_list(page, server.url, artifacts / f"review-due-admin-{day}.png")
            print(artifacts / f"review-due-admin-{day}.png")
            browser.close()
    return 0


def main(argv: list[str]) -> int:
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    if argv[:1] == ["--at"] and len(argv) == 2:
        return shoot_day(argv[1], artifacts)
    with tempfile.TemporaryDirectory(prefix="eidguide-shots-") as workdir:
        env = production_env(DATABASE_URL=f"sqlite:///{Path(workdir) / 'db.sqlite3'}")
        prepare(env)
        manage("shell", "-c", MAKE_DUE, env=env)
        add_superuser(env, "editor", STAFF_PASSWORD)
        with gunicorn(env, workers=2) as server, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            for name, path in PAGES.items():
                page.goto(server.url + path)
                page.screenshot(path=str(artifacts / name), full_page=True)
                print(artifacts / name)
            for name, path in PAGE_DATES.items():
                shoot_page_dates(page, server.url + path, artifacts / name)
                print(artifacts / name)
            shoot_review_list(page, server.url, artifacts / "review-due-admin.png")
            print(artifacts / "review-due-admin.png")
            shoot_review_button(page, server.url, artifacts / "mark-as-reviewed-admin.png")
            print(artifacts / "mark-as-reviewed-admin.png")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
