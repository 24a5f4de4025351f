"""The JSON API: the SPEC's shape, the pages' answers, clear errors, read-only for everyone."""

from datetime import timedelta

import pytest

from guidance.dates import today_in_copenhagen
from tests.conftest import answer_status
from tests.test_pages import BOUNDARY_CASES

pytestmark = pytest.mark.django_db


def api(client, path, **params):
    return client.get(path, params)


def test_status_has_the_spec_shape(client):
    body = api(client, "/api/v1/status", date="2023-07-01").json()
    assert body["date"] == "2023-07-01"
    assert body["audience"] == "citizen"
    assert body["nemid"]["status"] == "limited"
    assert body["nemid"]["label"] == "No new NemIDs"
    assert body["nemid"]["since"] == "2023-06-30"
    assert body["next_milestone"] == {
        "date": "2023-10-31",
        "status": "closed",
        "title": "NemID closes",
    }
    assert {"date": "2022-10-30", "status": "restricted", "audience": "citizen"}.items() <= body[
        "milestones"
    ][1].items()
    option = body["enrollment_options"][0]
    assert option["slug"] == "mitid-app"
    assert option["requirements"] == ["A Danish passport", "A smartphone"]
    assert option["url"] == "https://www.mitid.dk/"
    assert body["url"] == "https://testserver/en/?date=2023-07-01"


def test_next_milestone_is_null_when_nothing_lies_ahead(client):
    assert api(client, "/api/v1/status", date="2024-01-01").json()["next_milestone"] is None


def test_status_without_a_date_answers_for_today_in_copenhagen(client):
    from datetime import UTC, datetime

    import time_machine

    with time_machine.travel(datetime(2023, 6, 29, 22, 30, tzinfo=UTC), tick=False):
        body = api(client, "/api/v1/status").json()
    assert body["date"] == "2023-06-30"
    assert body["is_today"] is True
    assert body["nemid"]["status"] == "limited"


@pytest.mark.parametrize("text", ["2023-10-31", "31-10-2023", "31.10.2023", "31/10/2023"])
def test_status_reads_every_accepted_date_form(client, text):
    assert api(client, "/api/v1/status", date=text).json()["date"] == "2023-10-31"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "31-02-2023"}, "date"),
        ({"date": "1899-12-31"}, "date"),
        ({"date": "soon"}, "date"),
        ({"audience": "aliens"}, "audience"),
        ({"passport": "perhaps"}, "passport"),
        ({"lang": "de"}, "lang"),
    ],
)
def test_a_wrong_parameter_gets_400_json_naming_it(client, params, field):
    response = api(client, "/api/v1/status", **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["field"] == field
    assert body["error"]
    assert field in body["errors"]


def test_a_date_error_lists_what_is_accepted(client):
    body = api(client, "/api/v1/status", date="31-02-2023").json()
    assert "not a real calendar date" in body["error"]
    assert body["accepted"]["forms"] == ["YYYY-MM-DD", "DD-MM-YYYY", "DD.MM.YYYY", "DD/MM/YYYY"]


def test_errors_follow_the_language(client):
    body = api(client, "/api/v1/status", date="31-02-2023", lang="da").json()
    assert "ikke en gyldig dato" in body["error"]


def test_labels_follow_lang_or_accept_language(client):
    assert (
        api(client, "/api/v1/status", date="2023-07-01", lang="da").json()["nemid"]["label"]
        == "Ingen nye NemID’er"
    )
    response = client.get(
        "/api/v1/status", {"date": "2023-07-01"}, headers={"accept-language": "da"}
    )
    assert response.json()["nemid"]["label"] == "Ingen nye NemID’er"
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "da"


def test_the_situation_narrows_the_ways_to_get_mitid(client):
    body = api(client, "/api/v1/status", date="2024-01-01", passport="no").json()
    assert [o["slug"] for o in body["enrollment_options"]] == ["citizen-service"]
    assert body["unsuitable_options"][0]["missing_codes"] == ["danish-passport"]
    assert body["situation"] == {"passport": False, "smartphone": None}


def test_business_status_points_to_mitid_business(client):
    body = api(client, "/api/v1/status", date="2024-01-01", audience="business").json()
    assert [o["slug"] for o in body["enrollment_options"]] == ["mitid-business"]
    assert body["self_services"] == []


def test_milestones_lists_every_published_milestone(client):
    body = api(client, "/api/v1/milestones").json()
    assert len(body["milestones"]) == 6
    assert body["audience"] is None


def test_milestones_filter_by_audience_and_language(client):
    body = api(client, "/api/v1/milestones", audience="business", lang="da").json()
    assert [m["date"] for m in body["milestones"]] == ["2010-07-01", "2023-10-31"]
    assert body["milestones"][1]["title"] == "NemID lukker for virksomheder"


def test_milestones_refuse_an_unknown_audience(client):
    response = api(client, "/api/v1/milestones", audience="aliens")
    assert response.status_code == 400
    assert response.json()["field"] == "audience"


@pytest.mark.parametrize(
    "path", ["/api/v1/status", "/api/v1/milestones", "/api/v1/openapi.json", "/milestones.ics"]
)
def test_open_data_is_readable_from_any_origin_with_no_cookies(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.cookies == {}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/status", "/api/v1/milestones", "/milestones.ics"])
def test_open_data_is_read_only(method, path):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https"})
    response = getattr(strict, method)(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"]


def test_head_is_allowed(client):
    assert client.head("/api/v1/status").status_code == 200


def test_openapi_document_describes_both_operations(client):
    document = api(client, "/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/v1/status", "/api/v1/milestones"}


def test_the_api_page_is_linked_from_the_footer(client):
    html = client.get("/da/").content.decode()
    assert 'href="/da/api/"' in html
    api_page = client.get("/da/api/")
    assert api_page.status_code == 200
    assert "/api/v1/openapi.json" in api_page.content.decode()


def status_tag(html: str) -> str:
    start = html.index('class="status-tag')
    return html[html.index(">", start) + 1 : html.index("</span>", start)]


@pytest.mark.parametrize(("language", "audience", "day", "before", "on"), BOUNDARY_CASES)
def test_the_api_says_what_the_page_says_on_every_boundary(
    client, language, audience, day, before, on
):
    for when in (day - timedelta(days=1), day):
        params = {"date": when.isoformat(), "audience": audience}
        page = client.get(f"/{language}/", params)
        body = client.get("/api/v1/status", {**params, "lang": language}).json()
        html = page.content.decode()
        assert body["nemid"]["status"] == answer_status(page)
        assert body["nemid"]["label"] == status_tag(html)
        assert body["nemid"]["summary"] in html
        if body["next_milestone"]:
            assert body["next_milestone"]["title"] in html
        # A past date's page tells what to do today (the API's answer for today), not then.
        today = client.get("/api/v1/status", {"audience": audience, "lang": language}).json()
        for action in today["actions"] if when < today_in_copenhagen() else body["actions"]:
            assert action in html
        for option in body["enrollment_options"]:
            assert option["name"] in html


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_milestones_api_matches_the_timeline_page(client, language, audience):
    body = client.get("/api/v1/milestones", {"audience": audience, "lang": language}).json()
    html = client.get(f"/{language}/timeline/", {"audience": audience}).content.decode()
    for milestone in body["milestones"]:
        assert f'<time datetime="{milestone["date"]}">' in html
        assert milestone["title"] in html


def test_the_danish_api_page_is_in_danish(client):
    html = client.get("/da/api/").content.decode()
    assert "API’et er beskrevet i et" in html
    assert 'href="/api/v1/openapi.json"' in html
