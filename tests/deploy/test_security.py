"""Security: headers on every response, no cookies for citizens, a protected admin."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from guidance.models import Milestone

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def https_client(**kwargs) -> Client:
    return Client(headers={"x-forwarded-proto": "https", "host": "testserver"}, **kwargs)


def static_css(client) -> str:
    page = client.get("/en/").content.decode()
    return re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page).group(1)


def every_kind_of_response(client) -> dict:
    return {
        "page": client.get("/en/?date=2023-07-01"),
        "page again (cached)": client.get("/en/?date=2023-07-01"),
        "bad date (400)": client.get("/en/?date=nonsense"),
        "not found (404)": client.get("/en/no-such-page/"),
        "api": client.get("/api/v1/status?date=2023-07-01"),
        "api error": client.get("/api/v1/status?date=nonsense"),
        "feed": client.get("/milestones.ics"),
        "static": client.get(static_css(client)),
        "healthz": client.get("/healthz"),
        "admin login": client.get("/admin/login/"),
        "redirect": client.get("/"),
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload"),
    ],
)
def test_security_headers_on_every_kind_of_response(header, expected):
    for kind, response in every_kind_of_response(https_client()).items():
        assert response[header] == expected, kind


def test_a_strict_content_security_policy_on_every_kind_of_response():
    for kind, response in every_kind_of_response(https_client()).items():
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy, kind
        assert "script-src 'self'" in policy, kind
        assert "style-src 'self'" in policy, kind
        assert "frame-ancestors 'none'" in policy, kind
        assert "unsafe-inline" not in policy, kind
        assert "unsafe-eval" not in policy, kind


def test_a_permissions_policy_switches_off_unused_features_everywhere():
    for kind, response in every_kind_of_response(https_client()).items():
        for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
            assert feature in response["Permissions-Policy"], kind


@pytest.mark.urls("tests.urls_error")
def test_the_500_page_has_the_security_headers_and_gives_nothing_away():
    response = https_client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_hsts_is_sent_only_over_https():
    assert "Strict-Transport-Security" not in Client().get("/healthz")
    assert "Strict-Transport-Security" in https_client().get("/healthz")


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_no_template_has_inline_script_style_or_event_handlers(template):
    html = template.read_text()
    # A JSON-LD data block is data, never run (the CSP's script-src does not apply to it).
    assert re.findall(r"<script[^>]*>", html) in ([], ['<script type="application/ld+json">'])
    assert "<style" not in html
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "javascript:" not in html


@pytest.mark.parametrize(
    "kind", ["page", "bad date (400)", "not found (404)", "api", "feed", "static"]
)
def test_citizens_get_no_cookies(kind):
    response = every_kind_of_response(https_client())[kind]
    assert "Set-Cookie" not in response.headers, kind


def test_the_admin_session_and_csrf_cookies_are_secure_and_httponly():
    User.objects.create_superuser("admin", "admin@example.org", "a-long-test-password-1")
    client = https_client()
    login_page = client.get("/admin/login/")
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"]
    assert csrf["httponly"]
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": "a-long-test-password-1"},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


def login_after_failures(failures: int) -> tuple[Client, object]:
    """An admin login with the right password, after ``failures`` wrong ones."""
    User.objects.create_superuser("admin", "admin@example.org", "a-long-test-password-1")
    client = https_client()
    for _ in range(failures):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    right = {"username": "admin", "password": "a-long-test-password-1"}
    return client, client.post("/admin/login/", right)


def test_the_admin_locks_out_after_five_failed_logins_with_a_clear_message():
    client, locked = login_after_failures(5)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failed_logins_do_not_lock_the_account():
    _client, response = login_after_failures(4)
    assert response.status_code == 302


def test_staff_can_read_the_history_of_a_milestone_and_revert_a_change(
    django_capture_on_commit_callbacks,
):
    from tests.publishing.test_admin import milestone_form

    admin = User.objects.create_superuser("admin", "admin@example.org", "a-long-test-password-1")
    client = https_client()
    client.force_login(admin)
    milestone = Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))
    url = f"/admin/guidance/milestone/{milestone.pk}/change/"
    entries_before = milestone.history.count()  # the seed's, and the editorial migration's
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, milestone_form(milestone, summary_en="A mistaken edit."))
    assert "A mistaken edit." in client.get("/en/?date=2024-01-01").content.decode()

    history = client.get(f"/admin/guidance/milestone/{milestone.pk}/history/")
    assert history.status_code == 200
    original = milestone.history.order_by("history_date").first()
    assert f"/history/{original.history_id}/" in history.content.decode()
    revert_url = f"/admin/guidance/milestone/{milestone.pk}/history/{original.history_id}/"
    assert client.get(revert_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(revert_url, milestone_form(original.instance))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.summary_en.startswith("NemID is closed and can no longer be used")
    assert "can no longer be used" in client.get("/en/?date=2024-01-01").content.decode()
    assert milestone.history.count() == entries_before + 2  # the edit and the revert


def test_an_over_long_query_string_is_refused_with_414():
    response = https_client().get("/en/?date=" + "1" * 3000)
    assert response.status_code == 414
    assert "too long" in response.content.decode()


def test_a_query_string_at_the_limit_is_answered_and_one_character_more_is_414():
    query = "date=2024-01-01&padding="
    query += "x" * (2048 - len(query))
    assert https_client().get(f"/en/?{query}").status_code == 200
    response = https_client().get(f"/en/?{query}x")
    assert response.status_code == 414
    assert "<p>The address is too long: at most 2048 characters after the “?”.</p>" in (
        response.content.decode()
    )
    danish = https_client().get(f"/da/?{query}x")
    assert danish.status_code == 414
    assert '<html lang="da">' in danish.content.decode()
    assert "Adressen er for lang: højst 2048 tegn efter „?“." in danish.content.decode()
    assert danish["Content-Security-Policy"].startswith("default-src 'none'")


def test_an_over_long_header_is_refused_with_431():
    response = https_client().get("/en/", headers={"accept-language": "da," * 5000})
    assert response.status_code == 431
    assert "Accept-Language header is too long" in response.content.decode()


def test_a_header_at_the_limit_is_answered_and_one_character_more_is_431():
    assert https_client().get("/en/", headers={"x-padding": "x" * 8192}).status_code == 200
    response = https_client().get("/en/", headers={"x-padding": "x" * 8193})
    assert response.status_code == 431
    assert "<p>The X-Padding header is too long: at most 8192 characters.</p>" in (
        response.content.decode()
    )


def test_a_form_without_a_csrf_token_gets_a_clear_styled_403():
    client = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https"})
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in html
    assert "<style" not in html
    assert "Set-Cookie" not in response.headers


def test_robots_txt_keeps_crawlers_out_of_the_admin():
    response = https_client().get("/robots.txt")
    assert response.status_code == 200
    assert "Disallow: /admin/" in response.content.decode()
