"""Review dates: the fingerprint of an official page, "Mark as reviewed" in the admin,
the list of rows to review, and ``manage.py check_content`` against a local HTTP server whose
pages change between runs."""

import hashlib
import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.utils import formats, translation
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from guidance.models import EnrollmentOption, Milestone, Requirement, SelfService
from guidance.publishing.source_check import (
    MAX_PAGE_BYTES,
    fingerprint,
    mark_reviewed,
    review_state,
    rows_to_review,
)
from guidance.rules.dates import today_in_copenhagen

pytestmark = pytest.mark.django_db

PAGE = """<!doctype html><html><head><title>NemID</title><style>p {{ color: red }}</style></head>
<body><script>var tracking = "{noise}";</script><h1>NemID</h1>
<p>NemID   closes on
  {day}.</p></body></html>"""


def page(day: str = "31 October 2023", noise: str = "a") -> str:
    return PAGE.format(day=day, noise=noise)


class Official:
    """The official sites, played by pytest-httpserver: path -> (status, body, headers), 404 for
    any other path; records the paths asked for, and the headers of each request."""

    def __init__(self, server: HTTPServer):
        self.server = server
        self.pages: dict[str, tuple[int, str | bytes, dict]] = {}
        self.requests: list[str] = []
        self.request_headers: list[dict[str, str]] = []
        self.delay = 0.0
        server.expect_request(re.compile(".*")).respond_with_handler(self.answer)

    def answer(self, request: Request) -> Response:
        self.requests.append(request.path)
        self.request_headers.append(dict(request.headers))
        time.sleep(self.delay)
        status, body, headers = self.pages.get(request.path, (404, "Not found", {}))
        return Response(body, status, {"Content-Type": "text/html; charset=utf-8", **headers})

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def serve(self, path: str, body: str | bytes, status: int = 200, **headers) -> str:
        self.pages[path] = (status, body, headers)
        return self.url(path)


@pytest.fixture(scope="session")
def official_sites():
    """One server for the session, each request in a thread of its own: a page made slow does
    not hold up the next test's."""
    with HTTPServer(host="127.0.0.1", threaded=True) as server:
        yield server


@pytest.fixture
def official(official_sites):
    official_sites.clear()
    return Official(official_sites)


@pytest.fixture
def watched_on(official):
    """Every seeded link points at the local server's /nemid page (one page, as in the seed)."""
    url = official.serve("/nemid", page())
    Milestone.objects.update(source_url=url)
    EnrollmentOption.objects.update(url=url)
    return url


def reviewed_today():
    """Every row marked reviewed today, with the fingerprint of its page as served now."""
    rows = [
        row
        for model in (Milestone, EnrollmentOption, Requirement, SelfService)
        for row in model.objects.all()
    ]
    return mark_reviewed(rows, today_in_copenhagen())


def up_to_date():
    """Every row due for review in a year from today. The seed's review-by days pass as the
    calendar does: a test that needs no row due but its own starts here."""
    for model in (Milestone, EnrollmentOption, Requirement, SelfService):
        model.objects.update(review_by=today_in_copenhagen() + timedelta(days=365))


def check(*args) -> tuple[int, str]:
    """Run check_content; its exit status and output."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("check_content", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def closing() -> Milestone:
    return Milestone.objects.get(audience="citizen", status="closed")


# The fingerprint


def test_the_fingerprint_is_the_same_for_the_same_words_in_other_markup():
    other_markup = "<html><body><div><h1>NemID</h1><p>NemID closes on 31 October 2023.</p></div>"
    assert fingerprint(page()) == fingerprint(other_markup)


def test_the_fingerprint_ignores_scripts_styles_and_the_head():
    assert fingerprint(page(noise="a")) == fingerprint(page(noise="b"))
    assert fingerprint(page()) == fingerprint(page().replace("<title>NemID", "<title>Other"))


def test_the_fingerprint_changes_when_a_word_changes():
    assert fingerprint(page("31 October 2023")) != fingerprint(page("30 November 2023"))


def test_the_fingerprint_is_sha256_hex():
    assert len(fingerprint(page())) == 64
    assert int(fingerprint(page()), 16) >= 0


def test_the_fingerprint_is_sha256_of_the_visible_text_with_whitespace_collapsed():
    """So that anyone can check one by hand: `printf %s TEXT | sha256sum`."""
    text = "NemID NemID closes on 31 October 2023."
    assert fingerprint(page()) == hashlib.sha256(text.encode()).hexdigest()


def test_the_fingerprint_reads_character_references_as_the_characters():
    assert fingerprint("<p>Søg &amp; find</p>") == fingerprint("<p>S&oslash;g &#38; find</p>")
    assert fingerprint("<p>S&oslash;g</p>") != fingerprint("<p>S&aring;g</p>")


def test_the_fingerprint_ignores_a_head_whatever_it_holds_before_its_title():
    def head(title: str) -> str:
        return f"<head><style>p {{}}</style><title>{title}</title></head><body><p>NemID</p>"

    assert fingerprint(head("Old title")) == fingerprint(head("New title"))


# Review states


def test_a_row_is_overdue_the_day_after_its_review_date_not_on_it():
    today = today_in_copenhagen()
    assert review_state(today, today).code == "due"
    assert review_state(today, today).label == "Due today"
    assert review_state(today - timedelta(days=1), today).code == "overdue"
    assert review_state(today - timedelta(days=3), today).label == "Overdue by 3 days"


def test_a_row_is_due_within_30_days_and_up_to_date_after():
    today = today_in_copenhagen()
    assert review_state(today + timedelta(days=30), today).code == "due"
    assert review_state(today + timedelta(days=1), today).label == "Due in 1 day"
    assert review_state(today + timedelta(days=31), today).code == "ok"


# check_content


def test_check_content_exits_0_when_all_is_current(watched_on):
    reviewed_today()
    status, output = check()
    assert status == 0
    assert output == (
        "The content is current: nothing is overdue, and every official page answers unchanged.\n"
    )


def test_check_content_reports_an_official_page_that_changed_since_the_review(official, watched_on):
    reviewed_today()
    assert check()[0] == 0
    official.serve("/nemid", page("30 November 2023"))
    status, output = check()
    assert status == 1
    row = closing()
    assert (
        f"CHANGED: milestone {row.pk} “{row}”: the official page {watched_on} has changed since "
        f"the review on {today_in_copenhagen().isoformat()}; check the row against it, then use "
        f"“Mark as reviewed”. https://localhost/admin/guidance/milestone/{row.pk}/change/"
    ) in output.splitlines()
    changed = [line for line in output.splitlines() if line.startswith("CHANGED")]
    assert len(changed) == Milestone.objects.count() + EnrollmentOption.objects.count()
    assert "problems with the content" in output


def test_check_content_does_not_count_a_change_of_markup_or_scripts(official, watched_on):
    reviewed_today()
    official.serve("/nemid", "<main><h1>NemID</h1> <p>NemID closes on 31 October 2023.</p></main>")
    assert check()[0] == 0


def test_check_content_fetches_each_official_page_once(official, watched_on):
    reviewed_today()
    official.requests.clear()
    check()
    assert official.requests == ["/nemid"]


def test_check_content_reports_an_overdue_row(watched_on):
    reviewed_today()
    service = SelfService.objects.first()
    yesterday = today_in_copenhagen() - timedelta(days=1)
    SelfService.objects.filter(pk=service.pk).update(review_by=yesterday)
    status, output = check()
    assert status == 1
    assert output.splitlines()[0] == (
        f"OVERDUE: selfservice {service.pk} “{service}”: "
        f"review was due by {yesterday.isoformat()}; check it against the official source, "
        "then use “Mark as reviewed”. "
        f"https://localhost/admin/guidance/selfservice/{service.pk}/change/"
    )
    assert output.splitlines()[1:] == ["1 problem with the content: see above."]


def test_check_content_does_not_report_a_row_due_today(watched_on):
    reviewed_today()
    SelfService.objects.update(review_by=today_in_copenhagen())
    assert check()[0] == 0


def test_check_content_leaves_out_unpublished_rows(watched_on):
    reviewed_today()
    SelfService.objects.update(review_by=today_in_copenhagen() - timedelta(days=1), published=False)
    assert check()[0] == 0


def test_check_content_reports_an_official_link_that_answers_404(official, watched_on):
    reviewed_today()
    option = EnrollmentOption.objects.first()
    dead = official.url("/gone")
    EnrollmentOption.objects.filter(pk=option.pk).update(url=dead)
    status, output = check()
    assert status == 1
    assert (
        f"UNREACHABLE: enrollmentoption {option.pk} “{option}”: the official link {dead} does not "
        "answer (HTTP 404); check the link and fix it. "
        f"https://localhost/admin/guidance/enrollmentoption/{option.pk}/change/"
    ) in output.splitlines()


def test_check_content_reports_a_server_that_refuses_the_connection(watched_on):
    reviewed_today()
    Milestone.objects.update(source_url="http://127.0.0.1:9/nemid")  # the discard port: closed
    status, output = check()
    assert status == 1
    unreachable = [line for line in output.splitlines() if line.startswith("UNREACHABLE")]
    assert len(unreachable) == Milestone.objects.count()
    assert "Connection refused" in unreachable[0]


def test_check_content_reports_a_page_slower_than_the_timeout(official, watched_on):
    reviewed_today()
    official.delay = 1.0
    status, output = check("--timeout", "0.2")
    assert status == 1
    assert "does not answer (timed out)" in output


def test_check_content_reports_a_server_that_does_not_answer_in_http(watched_on):
    """A port that answers, but not in HTTP (a status line urllib cannot read), is a link that
    does not answer, not a crash of the check."""
    import socketserver

    class NotHttp(socketserver.StreamRequestHandler):
        def handle(self):
            self.rfile.readline()
            self.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), NotHttp)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        reviewed_today()
        url = f"http://127.0.0.1:{server.server_address[1]}/nemid"
        Milestone.objects.update(source_url=url)
        status, output = check()
    finally:
        server.shutdown()
        server.server_close()
    assert status == 1
    unreachable = [line for line in output.splitlines() if line.startswith("UNREACHABLE")]
    assert len(unreachable) == Milestone.objects.count()
    assert (
        f"the official link {url} does not answer (invalid HTTP answer: BadStatusLine)"
        in (unreachable[0])
    )


def test_check_content_follows_redirects(official, watched_on):
    reviewed_today()
    moved = official.serve("/old", "", status=301, Location=official.url("/nemid"))
    Milestone.objects.update(source_url=moved)
    assert check()[0] == 0


def test_check_content_reports_a_linked_row_without_a_fingerprint(watched_on):
    reviewed_today()
    row = closing()
    Milestone.objects.filter(pk=row.pk).update(source_fingerprint="")
    status, output = check()
    assert status == 1
    lines = [line for line in output.splitlines() if line.startswith("NO-FINGERPRINT")]
    assert lines == [
        f"NO-FINGERPRINT: milestone {row.pk} “{row}”: no fingerprint of {watched_on} was recorded "
        "at the last review, so a change to that page cannot be noticed; check the row against "
        "it, then use “Mark as reviewed” to record one. "
        f"https://localhost/admin/guidance/milestone/{row.pk}/change/"
    ]


def test_rows_without_a_link_need_no_fingerprint(watched_on):
    reviewed_today()
    assert not Requirement.objects.exclude(source_fingerprint="").exists()
    assert check()[0] == 0


def test_check_content_exits_with_status_1_from_the_command_line(watched_on):
    SelfService.objects.update(review_by=today_in_copenhagen() - timedelta(days=1))
    with pytest.raises(SystemExit) as exit:
        execute_from_command_line(["manage.py", "check_content"])
    assert exit.value.code == 1


def test_check_content_goes_on_past_a_row_without_a_link(official, watched_on):
    reviewed_today()
    first = Milestone.objects.order_by("pk")[0]
    Milestone.objects.filter(pk=first.pk).update(source_url="")
    official.serve("/nemid", page("30 November 2023"))
    status, output = check()
    assert status == 1
    changed = [line for line in output.splitlines() if line.startswith("CHANGED")]
    assert len(changed) == Milestone.objects.count() - 1 + EnrollmentOption.objects.count()


def test_a_changed_page_of_a_row_never_reviewed_says_the_review_day_is_unknown(
    official, watched_on
):
    reviewed_today()
    row = closing()
    Milestone.objects.filter(pk=row.pk).update(last_reviewed_on=None)
    official.serve("/nemid", page("30 November 2023"))
    status, output = check()
    assert status == 1
    assert (
        f"CHANGED: milestone {row.pk} “{row}”: the official page {watched_on} has changed since "
        "the review on ?; check the row against it, then use “Mark as reviewed”. "
        f"https://localhost/admin/guidance/milestone/{row.pk}/change/"
    ) in output.splitlines()


def test_check_content_help_explains_the_timeout(capsys):
    with pytest.raises(SystemExit) as exit:
        execute_from_command_line(["manage.py", "check_content", "--help"])
    assert exit.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert (
        "--timeout TIMEOUT Seconds to wait for each official page (default: SOURCE_CHECK_TIMEOUT)."
    ) in text


def test_check_content_says_who_is_asking_and_for_what(official, watched_on):
    reviewed_today()
    official.request_headers.clear()
    check()
    assert official.request_headers[0]["User-Agent"] == (
        "eID-guide-content-check/1 (+https://localhost/)"
    )
    assert official.request_headers[0]["Accept"] == (
        "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
    )


def test_check_content_waits_for_each_page_as_long_as_the_setting_says(
    settings, official, watched_on
):
    reviewed_today()
    settings.SOURCE_CHECK_TIMEOUT = 0.2
    official.delay = 1.0
    status, output = check()
    assert status == 1
    assert "does not answer (timed out)" in output


def test_check_content_reads_the_first_5_mib_of_a_page(official, watched_on):
    """An official page is far smaller; a larger answer is read no further than that."""

    def huge(tail: str) -> str:
        return f"<p>NemID closes on 31 October 2023.</p><p>{'x' * MAX_PAGE_BYTES}</p><p>{tail}</p>"

    official.serve("/nemid", huge("the end"))
    reviewed_today()
    official.serve("/nemid", huge("another end"))
    assert check()[0] == 0
    official.serve("/nemid", huge("another end").replace("31 October", "30 November"))
    assert check()[0] == 1


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("text/html; charset=iso-8859-1", "<p>Udløb</p>".encode("latin-1"), "<p>Udløb</p>"),
        ("text/html", "<p>Udløb</p>".encode(), "<p>Udløb</p>"),
        ("text/html; charset=utf-8", b"<p>Udl\xf8b</p>", "<p>Udl\ufffdb</p>"),
        # 0x81 is undefined in windows-1252: only that byte is lost, not the letters around it.
        ("text/html; charset=windows-1252", b"<p>Udl\xf8b \x81</p>", "<p>Udl\xf8b \ufffd</p>"),
        (
            "text/html; charset=x-no-such-charset",
            b"<p>Udl\xc3\xb8b \xff</p>",
            "<p>Udløb \ufffd</p>",
        ),
    ],
    ids=[
        "latin-1",
        "no charset: utf-8",
        "a stray byte",
        "a byte the charset leaves undefined",
        "an unknown charset: utf-8",
    ],
)
def test_a_page_is_read_in_the_charset_it_declares(official, content_type, body, text):
    url = official.serve("/page", body, **{"Content-Type": content_type})
    Milestone.objects.filter(pk=closing().pk).update(source_url=url)
    mark_reviewed([closing()], today_in_copenhagen())
    assert closing().source_fingerprint == fingerprint(text)


# Mark as reviewed


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="a-long-test-password-2", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


@pytest.fixture
def viewer(client):
    user = User.objects.create_user("viewer", password="a-long-test-password-3", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_milestone", "view_selfservice"])
    )
    client.force_login(user)
    return user


@pytest.fixture
def admin_urls_built_now():
    """The site's URLs built afresh for this test, the admin's included, rather than the ones
    built when the URLconf was first loaded: what the admin offers is what it offers now."""
    import importlib

    from django.urls import clear_url_caches

    import eidguide.urls

    importlib.reload(eidguide.urls)
    clear_url_caches()
    yield
    importlib.reload(eidguide.urls)
    clear_url_caches()


def again() -> str:
    """The next review day as the admin's messages write it: a year from today."""
    with translation.override("en"):
        return formats.date_format(today_in_copenhagen() + timedelta(days=365))


def mark_url(row) -> str:
    return f"/admin/guidance/{row._meta.model_name}/{row.pk}/mark-reviewed/"


@pytest.mark.usefixtures("admin_urls_built_now")
def test_an_editor_marks_a_row_reviewed_from_its_form(client, editor, official, watched_on):
    row = closing()
    Milestone.objects.filter(pk=row.pk).update(last_reviewed_on=None, source_fingerprint="")
    response = client.post(mark_url(row), follow=True)
    today = today_in_copenhagen()
    row.refresh_from_db()
    assert row.last_reviewed_on == today
    assert row.review_by == today + timedelta(days=365)
    assert row.source_fingerprint == fingerprint(page())
    assert response.redirect_chain[-1][0] == f"/admin/guidance/milestone/{row.pk}/change/"
    assert (
        f'<li class="success">Marked 1 row as reviewed today. Review it again by {again()}.</li>'
    ) in response.content.decode()
    latest = row.history.first()
    assert latest.history_change_reason == "Marked as reviewed"
    assert latest.history_user == editor


def test_the_change_form_has_the_mark_as_reviewed_button(client, editor):
    html = client.get(f"/admin/guidance/milestone/{closing().pk}/change/").content.decode()
    assert f'form="milestone_form" formaction="{mark_url(closing())}"' in html
    assert ">Mark as reviewed</button>" in html


def test_the_mark_as_reviewed_button_says_what_it_records(client, editor):
    """With an official page, marking reviewed also records the page's fingerprint; without one,
    only the days. The button's title says which."""
    linked = closing()
    html = client.get(f"/admin/guidance/milestone/{linked.pk}/change/").content.decode()
    assert (
        'title="Records today as the review day, the next review a year from now, and a '
        'fingerprint of the official page.">Mark as reviewed</button>'
    ) in html
    unlinked = Requirement.objects.first()
    html = client.get(f"/admin/guidance/requirement/{unlinked.pk}/change/").content.decode()
    assert (
        'title="Records today as the review day and the next review a year from now.">Mark as '
        "reviewed</button>"
    ) in html


def test_an_editor_sets_the_review_day_in_the_form_or_leaves_it_as_it_was(client, editor):
    from tests.publishing.test_admin import change_form

    row = closing()
    url = f"/admin/guidance/milestone/{row.pk}/change/"
    fields = change_form(client, "milestone", row.pk)
    assert client.post(url, {**fields, "review_by": "2027-03-01"}).status_code == 302
    assert closing().review_by.isoformat() == "2027-03-01"
    fields = change_form(client, "milestone", row.pk)
    assert client.post(url, {**fields, "review_by": ""}).status_code == 302
    assert closing().review_by.isoformat() == "2027-03-01"  # blank keeps the row's day


def test_only_a_web_link_is_an_official_page_to_fetch():
    from guidance.publishing.source_check import official_url

    row = closing()
    row.source_url = "ftp://example.org/nemid"
    assert official_url(row) == ""
    row.source_url = "https://example.org/nemid"
    assert official_url(row) == "https://example.org/nemid"


def test_the_change_form_is_sent_to_its_own_address(client, editor):
    html = client.get(f"/admin/guidance/milestone/{closing().pk}/change/").content.decode()
    assert '<form method="post" id="milestone_form" novalidate>' in html


def test_a_failed_fetch_still_marks_reviewed_but_says_no_fingerprint_was_recorded(
    client, editor, official
):
    row = closing()
    dead = official.url("/gone")
    Milestone.objects.filter(pk=row.pk).update(source_url=dead, source_fingerprint="old")
    response = client.post(mark_url(row), follow=True)
    row.refresh_from_db()
    assert row.last_reviewed_on == today_in_copenhagen()
    assert row.source_fingerprint == ""
    html = response.content.decode()
    assert (
        f'<li class="warning">The official page {dead} did not answer (HTTP 404), so its '
        "fingerprint was not recorded. The daily check cannot notice changes to that page until "
        "you mark the rows that use it as reviewed again while it answers.</li>"
    ) in html


def test_an_editor_reading_the_admin_in_danish_is_told_in_danish(client, editor, official):
    row = closing()
    dead = official.url("/gone")
    Milestone.objects.filter(pk=row.pk).update(source_url=dead)
    response = client.post(mark_url(row), follow=True, headers={"accept-language": "da"})
    assert (
        f'<li class="warning">Den officielle side {dead} svarede ikke (HTTP 404), så dens '
        "fingeraftryk blev ikke gemt. Det daglige tjek kan ikke se ændringer på siden, før du "
        "markerer de rækker, der bruger den, som gennemgået igen, mens den svarer.</li>"
    ) in response.content.decode()


def test_a_row_without_a_link_is_marked_reviewed_without_a_fingerprint(client, editor):
    service = SelfService.objects.first()
    SelfService.objects.filter(pk=service.pk).update(last_reviewed_on=None)
    client.post(mark_url(service))
    service.refresh_from_db()
    assert service.last_reviewed_on == today_in_copenhagen()
    assert service.source_fingerprint == ""


def test_the_list_action_marks_every_chosen_row_reviewed(client, editor, official, watched_on):
    rows = list(EnrollmentOption.objects.all()[:2])
    EnrollmentOption.objects.update(last_reviewed_on=None)
    response = client.post(
        "/admin/guidance/enrollmentoption/",
        {"action": "mark_as_reviewed", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )
    assert (
        f'<li class="success">Marked 2 rows as reviewed today. Review them again by {again()}.</li>'
    ) in response.content.decode()
    assert official.requests == ["/nemid"]  # one page, fetched once
    marked = EnrollmentOption.objects.exclude(last_reviewed_on=None)
    assert set(marked.values_list("pk", flat=True)) == {row.pk for row in rows}


def test_marking_reviewed_keeps_an_edit_saved_while_the_pages_were_fetched(official, watched_on):
    """The pages are fetched (seconds, at worst) between reading the rows and saving them: an
    edit saved in between is kept, only the review fields are written."""
    row = closing()
    Milestone.objects.filter(pk=row.pk).update(title_en="NemID has closed")
    mark_reviewed([row], today_in_copenhagen())
    row.refresh_from_db()
    assert row.title_en == "NemID has closed"
    assert row.last_reviewed_on == today_in_copenhagen()


def test_a_save_does_not_mark_a_row_reviewed():
    row = closing()
    Milestone.objects.filter(pk=row.pk).update(last_reviewed_on=None)
    row.refresh_from_db()
    row.title_en = "NemID closed"
    row.save()
    row.refresh_from_db()
    assert row.last_reviewed_on is None


def test_marking_reviewed_needs_the_change_permission(client, viewer):
    row = closing()
    assert client.post(mark_url(row)).status_code == 403
    html = client.get(f"/admin/guidance/milestone/{row.pk}/change/").content.decode()
    assert "Mark as reviewed" not in html
    listing = client.get("/admin/guidance/milestone/").content.decode()
    assert "mark_as_reviewed" not in listing


def test_marking_reviewed_is_a_post(client, editor):
    assert client.get(mark_url(closing())).status_code == 405


def test_anonymous_visitors_cannot_mark_reviewed(client):
    row = closing()
    response = client.post(mark_url(row))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    row.refresh_from_db()


# The lists


def test_the_list_shows_review_columns_and_filters_overdue_rows(client, editor):
    up_to_date()
    overdue = closing()
    Milestone.objects.filter(pk=overdue.pk).update(
        review_by=today_in_copenhagen() - timedelta(days=2)
    )
    html = client.get("/admin/guidance/milestone/").content.decode()
    assert "Review by" in html
    assert "Overdue by 2 days" in html
    filtered = client.get("/admin/guidance/milestone/?review=overdue")
    assert [row.pk for row in filtered.context["cl"].result_list] == [overdue.pk]


def test_the_review_filter_offers_overdue_due_and_up_to_date(client, editor):
    today = today_in_copenhagen()
    Milestone.objects.update(review_by=today + timedelta(days=100))
    overdue, due, later = Milestone.objects.order_by("pk")[:3]
    Milestone.objects.filter(pk=overdue.pk).update(review_by=today - timedelta(days=2))
    Milestone.objects.filter(pk=due.pk).update(review_by=today + timedelta(days=30))
    Milestone.objects.filter(pk=later.pk).update(review_by=today + timedelta(days=31))
    html = client.get("/admin/guidance/milestone/").content.decode()
    for value, label in [
        ("overdue", "Overdue"),
        ("due", "Overdue or due within 30 days"),
        ("ok", "Up to date"),
    ]:
        assert f'<a href="?review={value}">{label}</a>' in html

    def listed(value: str) -> set[int]:
        response = client.get(f"/admin/guidance/milestone/?review={value}")
        return {row.pk for row in response.context["cl"].result_list}

    everyone = set(Milestone.objects.values_list("pk", flat=True))
    assert listed("overdue") == {overdue.pk}
    assert listed("due") == {overdue.pk, due.pk}
    assert listed("ok") == everyone - {overdue.pk, due.pk}
    assert later.pk in listed("ok")


def test_rows_to_review_are_overdue_or_due_within_30_days_most_overdue_first():
    up_to_date()
    today = today_in_copenhagen()
    first = Milestone.objects.order_by("pk")[0]
    second = SelfService.objects.order_by("pk")[0]
    later = Requirement.objects.order_by("pk")[0]
    Milestone.objects.filter(pk=first.pk).update(review_by=today + timedelta(days=30))
    SelfService.objects.filter(pk=second.pk).update(review_by=today - timedelta(days=5))
    Requirement.objects.filter(pk=later.pk).update(review_by=today + timedelta(days=31))
    assert rows_to_review(today) == [second, first]


def test_the_admin_lists_rows_overdue_or_due_within_30_days(client, editor):
    up_to_date()
    today = today_in_copenhagen()
    service = SelfService.objects.order_by("pk")[0]
    milestone = closing()
    SelfService.objects.filter(pk=service.pk).update(review_by=today - timedelta(days=5))
    Milestone.objects.filter(pk=milestone.pk).update(review_by=today + timedelta(days=12))
    html = client.get("/admin/review-due/").content.decode()
    assert html.index(str(service)) < html.index(str(milestone))
    assert f'<a href="/admin/guidance/selfservice/{service.pk}/change/">' in html
    assert "Overdue by 5 days" in html
    assert "Due in 12 days" in html
    index = client.get("/admin/").content.decode()
    assert (
        '<a href="/admin/review-due/">2 rows are overdue or due for review within 30 days</a>'
        in (index)
    )


def test_the_review_list_says_so_when_nothing_is_due(client, editor):
    up_to_date()
    html = client.get("/admin/review-due/").content.decode()
    assert "No row is overdue or due within 30 days." in html


def test_the_review_list_shows_only_what_the_staff_member_may_see(client, viewer):
    yesterday = today_in_copenhagen() - timedelta(days=1)
    Milestone.objects.update(review_by=yesterday)
    EnrollmentOption.objects.update(review_by=yesterday)
    html = client.get("/admin/review-due/").content.decode()
    assert "milestone/" in html
    assert "enrollmentoption/" not in html


def test_the_review_list_is_for_staff_only(client):
    response = client.get("/admin/review-due/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_form_opened_before_the_review_is_refused_rather_than_undoing_it(client, editor):
    from tests.publishing.test_admin import milestone_form

    row = closing()
    change = f"/admin/guidance/milestone/{row.pk}/change/"
    loaded = client.get(change).context["adminform"].form["loaded_version"].value()
    client.post(mark_url(row))
    response = client.post(change, {**milestone_form(row), "loaded_version": loaded})
    assert "Someone else saved this after you opened it" in response.content.decode()
    row.refresh_from_db()
    assert row.last_reviewed_on == today_in_copenhagen()


def test_the_review_list_names_the_kind_and_official_page_of_each_row(client, editor):
    milestone = closing()
    Milestone.objects.filter(pk=milestone.pk).update(
        review_by=today_in_copenhagen() - timedelta(days=1), source_url="https://www.nemid.nu/"
    )
    html = client.get("/admin/review-due/").content.decode()
    assert "<title>Rows to review | eID guide admin</title>" in html
    assert "<h1>Rows to review</h1>" in html
    assert "<strong>editor</strong>" in html  # the admin's header greets whoever is signed in
    row = html[html.index(f"/admin/guidance/milestone/{milestone.pk}/change/") :]
    row = " ".join(row[: row.index("</tr>")].split())
    assert "<td>Milestone</td>" in row
    link = '<a href="https://www.nemid.nu/" rel="noreferrer">https://www.nemid.nu/</a>'
    assert f"<td>{link}</td>" in row


def test_the_review_list_is_open_to_staff_who_may_only_change_rows(client):
    """The change permission lets one see rows in the admin, even without the view permission."""
    user = User.objects.create_user("changer", password="a-long-test-password-4", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="change_milestone"))
    client.force_login(user)
    milestone = closing()
    Milestone.objects.filter(pk=milestone.pk).update(
        review_by=today_in_copenhagen() - timedelta(days=1)
    )
    response = client.get("/admin/review-due/")
    assert response.status_code == 200
    assert f'<a href="/admin/guidance/milestone/{milestone.pk}/change/">' in (
        response.content.decode()
    )


def offered_actions(html: str) -> set[str]:
    """The actions a change list's "Action" menu offers (none: no menu)."""
    menu = re.search(r'<select name="action"[^>]*>(.*?)</select>', html, re.S)
    return set(re.findall(r'<option value="(\w+)"', menu.group(1))) - {""} if menu else set()


def test_the_list_offers_mark_as_reviewed_beside_the_sites_own_actions(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/admin/guidance/milestone/").content.decode()
    assert offered_actions(html) == {"delete_selected", "mark_as_reviewed"}


def test_a_list_opened_as_a_popup_offers_no_actions(client, editor):
    """A list opened to pick a row for another form (``_popup``) offers no actions, as Django's
    own lists do."""
    html = client.get("/admin/guidance/milestone/?_popup=1").content.decode()
    assert "NemID closes" in html  # the rows to pick from
    assert offered_actions(html) == set()


def test_mark_as_reviewed_saves_what_was_typed_in_the_form_first(client, editor, official):
    from tests.publishing.test_admin import change_form

    row = SelfService.objects.create(name_en="Hidden", name_da="Skjult", published=False)
    fields = change_form(client, "selfservice", row.pk)
    response = client.post(mark_url(row), {**fields, "name_en": ["Typed, not lost"]}, follow=True)
    row.refresh_from_db()
    assert row.name_en == "Typed, not lost"
    assert row.last_reviewed_on == today_in_copenhagen()
    assert "Marked 1 row as reviewed today" in response.content.decode()
    # A form with a mistake comes back with it, and what was typed; nothing is marked.
    SelfService.objects.filter(pk=row.pk).update(last_reviewed_on=None)
    fields = change_form(client, "selfservice", row.pk)
    response = client.post(mark_url(row), {**fields, "name_en": ["Typed"], "name_da": [""]})
    assert response.status_code == 200
    assert 'value="Typed"' in response.content.decode()
    row.refresh_from_db()
    assert row.last_reviewed_on is None
