"""HTTP caching by the standard means: ETag, Last-Modified, 304s and HEAD; one query a request."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import parse_http_date

from guidance.models import Milestone
from tests import wsgi

pytestmark = pytest.mark.django_db

URLS = [
    "/en/?date=2023-07-01",
    "/da/?date=2023-07-01",
    "/en/",
    "/en/timeline/",
    "/da/accessibility/",
    "/api/v1/status?date=2023-07-01",
    "/api/v1/milestones",
    "/milestones.ics",
]


def edit_elsewhere(**fields):
    """Change the closing milestone as another process would: in the database only (this
    process's signals do not fire; the database's trigger bumps the content version)."""
    Milestone.objects.filter(audience="citizen", date="2023-10-31").update(
        updated_at=timezone.now() + timedelta(seconds=1), **fields
    )


@pytest.mark.parametrize("url", URLS)
def test_a_warm_request_reads_only_the_content_version(client, url, django_assert_num_queries):
    assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_a_different_date_in_a_warm_process_reads_only_the_version(
    client, django_assert_num_queries
):
    client.get("/en/?date=2023-07-01")
    with django_assert_num_queries(1):
        assert client.get("/en/?date=2023-07-02").status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_answers_carry_an_etag_and_may_be_kept_but_revalidated(client, url):
    response = client.get(url)
    assert response["ETag"].startswith('"')
    assert response["Cache-Control"].startswith("public, stale-while-revalidate=")
    assert parse_http_date(response["Expires"]) <= time.time()  # browsers revalidate


@pytest.mark.parametrize("url", URLS)
def test_a_client_with_the_current_etag_gets_304_with_no_body(url):
    """Through the WSGI application, which (unlike the test client) keeps whatever body the
    application sends."""
    full = wsgi.call("GET", url)
    assert full.status == 200
    assert full.body
    again = wsgi.call("GET", url, {"if-none-match": full["ETag"]})
    assert again.status == 304
    assert again.body == b""
    assert again["ETag"] == full["ETag"]


def test_a_stale_etag_gets_the_full_answer(client):
    response = client.get("/en/?date=2023-07-01", headers={"if-none-match": '"stale"'})
    assert response.status_code == 200
    assert b"data-nemid-status" in response.content


@pytest.mark.parametrize("url", URLS)
def test_head_gets_the_headers_without_the_body(url):
    full = wsgi.call("GET", url)
    head = wsgi.call("HEAD", url)
    assert head.status == 200
    assert head.body == b""
    assert head["ETag"] == full["ETag"]
    assert head["Content-Type"] == full["Content-Type"]
    assert head["Content-Length"] == str(len(full.body))


def test_the_same_url_in_another_language_has_another_etag(client):
    english = client.get("/api/v1/status?date=2023-07-01", headers={"accept-language": "en"})
    danish = client.get("/api/v1/status?date=2023-07-01", headers={"accept-language": "da"})
    assert english.json()["nemid"]["label"] == "Limited service"
    assert danish.json()["nemid"]["label"] == "Begrænset service"
    assert english["ETag"] != danish["ETag"]


def test_todays_answer_changes_at_copenhagen_midnight(client):
    with time_machine.travel(datetime(2023, 10, 30, 22, 59, tzinfo=UTC), tick=False):
        before = client.get("/en/")
    with time_machine.travel(datetime(2023, 10, 30, 23, 1, tzinfo=UTC), tick=False):
        after = client.get("/en/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert b'data-nemid-status="closed"' in after.content
    assert after["ETag"] != before["ETag"]


def test_an_edit_elsewhere_shows_on_the_next_request(client):
    assert b"can no longer be used" in client.get("/en/?date=2024-01-01").content
    edit_elsewhere(summary_en="NemID has closed for good.")
    assert b"NemID has closed for good." in client.get("/en/?date=2024-01-01").content


def test_an_edit_changes_the_etag_so_revalidation_gets_the_new_answer(client):
    etag = client.get("/en/?date=2024-01-01")["ETag"]
    milestone = Milestone.objects.get(audience="citizen", date="2023-10-31")
    milestone.summary_en = "NemID has closed for good."
    milestone.save()
    response = client.get("/en/?date=2024-01-01", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert b"NemID has closed for good." in response.content


def test_an_answer_the_same_in_every_language_is_one_for_all_visitors(client):
    """A page chooses its language by its address, so visitors who prefer other languages share
    one copy in every cache (and one ETag); only answers that say ``Vary: Accept-Language``
    are kept per language."""
    danish = client.get("/en/timeline/", headers={"accept-language": "da"})
    english = client.get("/en/timeline/", headers={"accept-language": "en"})
    assert "Vary" not in danish
    assert english["ETag"] == danish["ETag"]


def test_an_answer_that_varies_by_cookie_is_never_marked_public(rf):
    """Should a public view ever read the visitor's cookies (a message, the signed-in user), no
    cache may keep one visitor's answer for another."""
    from django.http import HttpResponse
    from django.utils.cache import patch_vary_headers

    from guidance.pages.middleware import PublicAnswerMiddleware

    def personal(request):
        response = HttpResponse(f"Hello {request.COOKIES.get('name', 'stranger')}")
        patch_vary_headers(response, ["Cookie"])
        return response

    middleware = PublicAnswerMiddleware(personal)
    answer = middleware(rf.get("/en/", HTTP_COOKIE="name=Ann"))
    assert answer.content == b"Hello Ann"
    assert "Cache-Control" not in answer
    assert "ETag" not in answer


def test_the_admin_is_never_marked_public(client):
    response = client.get("/admin/login/")
    assert "public" not in response.get("Cache-Control", "")
    assert "ETag" not in response


def test_static_files_are_compressed_and_cached_for_ever(client):
    import re

    page = client.get("/en/").content.decode()
    css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page).group(1)
    response = client.get(css, headers={"accept-encoding": "br, gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
    gzipped = client.get(css, headers={"accept-encoding": "gzip"})
    assert gzipped["Content-Encoding"] == "gzip"


def test_the_first_view_of_an_advice_page_is_under_60_kb_and_needs_no_script(client):
    import gzip
    import re

    page = client.get("/en/?date=2023-07-01").content
    # No script: the one <script> element is the JSON-LD data block, which never runs.
    assert re.findall(rb"<script[^>]*>", page) == [b'<script type="application/ld+json">']
    total = len(gzip.compress(page))
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+)"', page):
        response = client.get(asset.decode(), headers={"accept-encoding": "br, gzip"})
        total += len(b"".join(response.streaming_content))
    assert total < 60 * 1024


def test_each_host_and_scheme_gets_its_own_absolute_links(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "www.example.dk"]
    settings.SECURE_SSL_REDIRECT = False  # to ask over plain HTTP too
    first = client.get("/en/?date=2023-07-01").content.decode()
    other = client.get("/en/?date=2023-07-01", headers={"host": "www.example.dk"}).content.decode()
    plain = client.get("/api/v1/status?date=2023-07-01", headers={"x-forwarded-proto": "http"})
    assert 'href="https://testserver/da/?date=2023-07-01"' in first
    assert 'href="https://www.example.dk/da/?date=2023-07-01"' in other
    assert plain.json()["url"].startswith("http://testserver/")


def test_a_host_that_is_not_allowed_is_refused():
    from django.test import Client

    client = Client(raise_request_exception=False, headers={"x-forwarded-proto": "https"})
    response = client.get("/en/?date=2023-07-01", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "public" not in response.get("Cache-Control", "")
    # The refusal names no address on the forged host (nor any other): no alternate links.
    page = response.content.decode()
    assert 'rel="alternate"' not in page
    assert "evil.example" not in page
