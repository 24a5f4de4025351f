"""A visitor's journey in a real browser: with and without JavaScript, by keyboard, with axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# One day a status, each the first day of it (the day before NemID, then each milestone): every
# status's colours and the boxes the answer shows around a change. The days before a milestone
# show the same status and the same parts again (axe-core takes 1.5 s of CPU a page).
STATUS_DAYS = ["2009-12-31", "2010-06-30", "2010-12-31", "2022-10-30", "2023-06-30", "2023-10-31"]
PUBLIC_PAGES = [
    *(f"/{lang}/?date={day}" for lang in ("en", "da") for day in STATUS_DAYS),
    *(
        f"/{lang}/?date={day}&audience=business"
        for lang in ("en", "da")
        for day in ("2023-10-30", "2023-10-31")
    ),
    "/en/?date=2024-01-01&passport=no&smartphone=no",
    "/en/",
    "/da/",
    "/en/timeline/",
    "/da/timeline/?date=2023-07-01&audience=business",
    "/en/accessibility/",
    "/da/accessibility/",
    "/en/about/",
    "/da/about/",
    "/en/api/",
    "/da/api/",
    "/en/updates/",
    "/da/updates/",
    "/en/?date=31-02-2023",
    "/da/?date=nonsense",
    "/en/no-such-page/",
    "/da/findes-ikke/",
    "/en/share/",
    "/da/share/?date=2023-10-31&audience=business",
    "/da/share/?date=nonsense",
    "/da/embed/?date=2023-07-01",
    "/en/embed/?date=2015-06-01",
    "/en/embed/?date=nonsense",
]


def answer(page) -> str:
    return page.locator("[data-nemid-status]").first.get_attribute("data-nemid-status")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_citizen_picks_a_date_reads_the_answer_and_switches_language(chromium, site, javascript):
    context = chromium.new_context(locale="en-GB", java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site + "/")
    assert page.url == site + "/en/"
    page.get_by_role("textbox", name="Date").fill("01.07.2023")
    page.get_by_role("button", name="Show the answer").click()
    page.wait_for_url(re.compile(r"date=01\.07\.2023"))
    assert answer(page) == "limited"
    assert page.get_by_role("heading", level=1).inner_text() == "NemID on 1 July 2023"
    page.get_by_role("link", name="Dansk").click()
    # The same question, in its canonical form (the date in ISO form, the defaults left out).
    assert page.url == site + "/da/?date=2023-07-01"
    assert page.get_by_role("heading", level=1).inner_text() == "NemID den 1. juli 2023"
    assert page.locator("html").get_attribute("lang") == "da"
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_situation_questions_narrow_the_ways_to_get_mitid(chromium, site, javascript):
    context = chromium.new_context(locale="en-GB", java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site + "/en/?date=2024-01-01")
    page.get_by_role("group", name="Do you have a Danish passport?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Show the answer").click()
    page.wait_for_url(re.compile(r"passport=no"))
    ways = page.locator(".options").inner_text()
    assert "Citizen Service" in ways
    assert "MitID app" not in ways
    assert "The MitID app and your Danish passport" in page.locator(".unsuitable").inner_text()
    context.close()


def test_a_wrong_date_shows_the_problem_and_leads_to_the_field(page, site):
    response = page.goto(site + "/en/?date=31-02-2023")
    assert response.status == 400
    summary = page.get_by_role("alert")
    assert "not a real calendar date" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_date"
    assert page.get_by_role("textbox", name="Date").get_attribute("aria-invalid") == "true"


def test_keyboard_only_skip_link_first_focus_visible_and_form_reachable(page, site):
    page.goto(site + "/en/?date=2023-07-01")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    box = page.evaluate("document.activeElement.getBoundingClientRect().top")
    assert box >= 0, "the skip link must come into view when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        element = page.evaluate(
            "(() => { const e = document.activeElement;"
            " const s = getComputedStyle(e);"
            " return {tag: e.tagName, id: e.id, text: e.textContent.trim().slice(0, 40),"
            " outline: s.outlineStyle, width: s.outlineWidth}; })()"
        )
        order.append(element)
        assert element["outline"] != "none", element
        assert element["width"] != "0px", element
        if element["tag"] == "BUTTON":
            break
    ids = [e["id"] for e in order]
    assert "id_date" in ids
    assert ids.index("id_date") < ids.index("id_audience")
    assert order[-1]["text"] == "Show the answer"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_axe_finds_no_wcag_21_aa_violations(page, site, path):
    page.goto(site + path)
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(
    "path",
    [
        "/en/?date=2023-07-01",
        "/da/?date=2023-10-31",
        "/en/timeline/",
        "/en/?date=nonsense",
        "/da/share/",
        "/en/embed/?date=2022-11-01",
    ],
)
def test_axe_finds_no_violations_in_dark_mode(chromium, site, path):
    context = chromium.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site + path)
    results = Axe().run(page, options=WCAG_21_AA)
    context.close()
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("width", [320, 360, 1280])
def test_screenshots_of_the_advice_page(chromium, site, artifacts, width):
    context = chromium.new_context(viewport={"width": width, "height": 800}, device_scale_factor=1)
    page = context.new_page()
    page.goto(site + "/en/?date=2023-07-01")
    path = artifacts / f"advice-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert scroll_width <= width, "no horizontal scrolling"


def test_staff_edit_a_milestone_in_the_admin_and_citizens_see_it_at_once(chromium, site):
    from tests.browser.conftest import STAFF_PASSWORD

    # Plain HTTP on loopback: Chromium keeps the admin's Secure cookies there, as on HTTPS.
    context = chromium.new_context()
    staff = context.new_page()
    console_errors = []
    staff.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    staff.goto(site + "/admin/")
    staff.get_by_label("Username").fill("editor")
    staff.get_by_label("Password").fill(STAFF_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_role("link", name="Milestones").first.click()
    staff.get_by_role("link", name="NemID closes", exact=True).first.click()
    summary = staff.get_by_label("What it means (English)")
    summary.fill("NemID is closed. Use MitID (edited in the browser test).")
    staff.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in staff.locator(".messagelist").inner_text()
    assert console_errors == [], "no CSP violations or missing files in the admin"

    citizen = chromium.new_context().new_page()
    citizen.goto(site + "/en/?date=2024-01-01")
    assert "edited in the browser test" in citizen.locator(".answer").inner_text()
    context.close()


@pytest.mark.parametrize(
    ("language", "line", "link", "heading"),
    [
        ("en", "Last updated 8 December 2026", "See all updates", "Updates to this guide"),
        (
            "da",
            "Sidst opdateret 8. december 2026",
            "Se alle opdateringer",
            "Opdateringer af guiden",
        ),
    ],
)
def test_a_citizen_follows_last_updated_to_the_list_of_updates(
    page, site, language, line, link, heading
):
    page.goto(f"{site}/{language}/?date=2023-07-01")
    dates = page.locator(".page-dates")
    assert line in dates.inner_text()
    dates.get_by_role("link", name=link).click()
    page.wait_for_url(f"**/{language}/updates/")
    assert page.locator("h1").inner_text() == heading
    feed = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feed.get_attribute("href") == f"{site}/{language}/updates.atom"
