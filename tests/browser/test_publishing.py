"""Issue 16 in a real browser: an editor prepares a milestone, previews it in a new tab and
schedules it with a public note; a publisher publishes it; citizens see it at its minute."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_browser import WCAG_21_AA

pytestmark = pytest.mark.browser

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
TITLE = "MitID milestone prepared in the browser"
PUBLIC = "/en/?date=2030-06-02"


def log_in(chromium, site, username: str):
    from tests.browser.conftest import STAFF_PASSWORD

    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return context, page, errors


def shows_title(page, site) -> bool:
    page.goto(site + PUBLIC)
    return TITLE in page.content()


@pytest.mark.minute
def test_an_editor_prepares_previews_and_schedules_a_publisher_publishes(chromium, site, artifacts):
    editor_context, editor, editor_errors = log_in(chromium, site, "prepares")
    editor.goto(site + "/admin/guidance/milestone/add/")
    editor.locator("#id_date").fill("2030-06-01")
    editor.get_by_label("Status").select_option("closed")
    editor.get_by_label("Published").uncheck()
    editor.get_by_label("Title (English)").fill(TITLE)
    editor.get_by_label("What it means (English)").fill("A summary written in the browser test.")
    editor.get_by_label("Title (Danish)").fill("MitID-milepæl lavet i browsertesten")
    editor.get_by_label("What it means (Danish)").fill("Et resumé skrevet i browsertesten.")

    # Preview the unsaved row, in a new tab, for the day after it.
    editor.locator("#id__preview_date").fill("2030-06-02")
    controls = editor.locator(".preview-controls")
    controls.scroll_into_view_if_needed()
    controls.screenshot(path=str(artifacts / "issue16-admin-preview-controls.png"))
    with editor_context.expect_page() as opened:
        editor.get_by_role("button", name="Preview in a new tab").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert "Preview: not published" in preview.locator(".preview-banner").inner_text()
    assert TITLE in preview.content()
    preview.screenshot(path=str(artifacts / "issue16-preview.png"), full_page=True)
    results = Axe().run(preview, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    preview.close()

    # Schedule it for the first whole minute at least 25 s ahead (what follows takes 5 to 10 s on
    # a busy machine), with a public note in both languages.
    moment = (int(time.time()) + 25) // 60 * 60 + 60
    local = datetime.fromtimestamp(moment, COPENHAGEN)
    editor.locator("#id_publish_from_0").fill(local.strftime("%Y-%m-%d"))
    editor.locator("#id_publish_from_1").fill(local.strftime("%H:%M"))
    editor.get_by_label("Citizens should know: publish a note in the list of updates.").check()
    editor.get_by_label("Public note (English)").fill("A new milestone for 2030.")
    editor.get_by_label("Public note (Danish)").fill("En ny milepæl for 2030.")
    editor.screenshot(path=str(artifacts / "issue16-admin-schedule.png"), full_page=True)
    editor.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in editor.locator(".messagelist").inner_text()
    assert editor_errors == [], "no CSP violations or missing files in the admin"

    citizen = chromium.new_context().new_page()
    assert not shows_title(citizen, site), "a draft is not live"

    # The publisher opens it and publishes it, keeping its moment.
    publisher_context, publisher, publisher_errors = log_in(chromium, site, "publishes")
    publisher.goto(site + "/admin/guidance/milestone/?q=prepared+in+the+browser")
    publisher.get_by_role("link", name=TITLE).first.click()
    assert publisher.locator("#id_publish_from_1").input_value().startswith(local.strftime("%H:%M"))
    publisher.get_by_label("Published").check()
    publisher.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in publisher.locator(".messagelist").inner_text()
    assert publisher_errors == []
    assert time.time() < moment - 1, "the test was too slow to see the change before its minute"
    assert not shows_title(citizen, site), "scheduled: not before its minute"

    # At the minute it is live, with nobody online.
    publisher_context.close()
    editor_context.close()
    while time.time() < moment - 0.5:
        assert not shows_title(citizen, site)
        time.sleep(0.5)
    # The first page asked after the minute shows it (however long the page takes to load).
    time.sleep(max(0.0, moment - time.time()) + 0.05)
    asked = time.time() - moment
    assert shows_title(citizen, site), "the scheduled milestone is not live at its minute"
    print(f"\nlive in the first page asked, {asked:.2f} s after its minute")


@pytest.mark.parametrize("model", ["milestone", "enrollmentoption", "requirement", "selfservice"])
def test_every_change_list_fits_a_1280_pixel_screen(chromium, site, model, artifacts):
    """Every column of every change list is on screen at 1280 px, the filters beside it (the
    "review by" column was cut off)."""
    context, page, _errors = log_in(chromium, site, "editor")
    page.goto(f"{site}/admin/guidance/{model}/")
    table = page.locator("#result_list")
    # The list scrolls inside its box when it is too wide: what it hides is the overflow.
    overflow = page.evaluate(
        "() => { const box = document.querySelector('#changelist-form .results');"
        " return box.scrollWidth - box.clientWidth; }"
    )
    page.screenshot(path=artifacts / f"changelist-{model}-1280.png")
    headers = table.locator("thead th").all_inner_texts()
    context.close()
    assert overflow <= 0, f"the {model} list is {overflow:.0f} px too wide: {headers}"
