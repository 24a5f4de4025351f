"""The JSON API: the SPEC's shape, the pages' answers, clear errors, read-only for everyone."""

from datetime import timedelta

import pytest

from guidance.dates import today_in_copenhagen
from tests import wsgi
from tests.conftest import answer_status
from tests.test_pages import BOUNDARY_CASES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """LocaleMiddleware activates each request's language in the test's thread and leaves it
    there; put back the language the test started with, so no later test inherits Danish."""
    from django.utils import translation

    with translation.override(translation.get_language()):
        yield


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
    assert response["Allow"] == "GET, HEAD, OPTIONS"
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


# The agreed error shape, checked against the Error schema of the served document.
def error_schema(client) -> dict:
    document = client.get("/api/v1/openapi.json").json()
    return {"$ref": "#/components/schemas/Error", "components": document["components"]}


def assert_api_error(client, response, status: int) -> dict:
    import jsonschema

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == "ETag, Last-Modified"
    body = response.json()
    jsonschema.validate(body, error_schema(client))
    assert body["status"] == status
    assert body["error"]
    return body


def test_a_parameter_error_has_the_agreed_shape(client):
    body = assert_api_error(client, api(client, "/api/v1/status", audience="aliens"), 400)
    assert body["field"] == "audience"
    assert body["errors"] == {"audience": [body["error"]]}


def test_too_many_query_fields_get_400_json(client):
    query = "&".join(f"x{i}=1" for i in range(250))
    body = assert_api_error(client, client.get(f"/api/v1/status?{query}"), 400)
    assert body["field"] is None
    assert body["errors"] == {}
    assert "at most 200" in body["error"]


def test_too_many_query_fields_on_a_page_still_get_the_html_page(client):
    query = "&".join(f"x{i}=1" for i in range(250))
    response = client.get(f"/en/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v2/status", "/api/v1/status/"])
def test_an_unknown_api_address_gets_404_json(client, path):
    body = assert_api_error(client, client.get(path), 404)
    assert "/api/v1/openapi.json" in body["error"]


def test_404_json_follows_accept_language_not_the_cookie(client):
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/nothing", headers={"accept-language": "da"})
    assert "Der er intet på denne adresse" in assert_api_error(client, response, 404)["error"]


def test_other_methods_get_405_json(client):
    body = assert_api_error(client, client.delete("/api/v1/milestones"), 405)
    assert body["field"] is None


def test_an_over_long_address_gets_414_json(client):
    response = client.get("/api/v1/status", {"date": "x" * 3000})
    assert "too long" in assert_api_error(client, response, 414)["error"]


def test_an_over_long_header_gets_431_json(client):
    response = client.get("/api/v1/status", headers={"x-padding": "x" * 9000})
    assert "X-Padding" in assert_api_error(client, response, 431)["error"]


def test_over_long_input_on_pages_is_still_plain_text(client):
    response = client.get("/en/", {"date": "x" * 3000})
    assert response.status_code == 414
    assert response["Content-Type"].startswith("text/plain")


def test_a_failure_inside_the_api_gets_500_json(settings):
    from django.test import Client

    settings.ROOT_URLCONF = "tests.urls_api_error"
    failing = Client(raise_request_exception=False, headers={"x-forwarded-proto": "https"})
    body = assert_api_error(failing, failing.get("/api/v1/fail"), 500)
    assert "Traceback" not in body["error"]


ERROR_TEXTS = {
    "too many": {
        "en": "Too many parameters: send at most 200.",
        "da": "For mange parametre: send højst 200.",
    },
    "refused": {
        "en": "This request cannot be answered as it is.",
        "da": "Forespørgslen kan ikke besvares, som den er.",
    },
    "failed": {
        "en": "Something went wrong on our side. Please try again later.",
        "da": "Der gik noget galt hos os. Prøv igen senere.",
    },
}


@pytest.mark.parametrize("language", ["en", "da"])
def test_errors_django_raises_before_the_api_reads_the_request_are_in_the_clients_language(
    client, language, settings
):
    """The whole message, in the language the client accepts: too many fields, a host this
    service does not answer for, and a failure inside."""
    from django.test import Client

    headers = {"accept-language": language}
    query = "&".join(f"x{i}=1" for i in range(250))
    body = assert_api_error(client, client.get(f"/api/v1/status?{query}", headers=headers), 400)
    assert body["error"] == ERROR_TEXTS["too many"][language]
    refused = Client(raise_request_exception=False, headers={"x-forwarded-proto": "https"})
    response = refused.get("/api/v1/status", headers={**headers, "host": "evil.example"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": ERROR_TEXTS["refused"][language],
        "status": 400,
        "field": None,
        "errors": {},
    }
    settings.ROOT_URLCONF = "tests.urls_api_error"
    failing = Client(raise_request_exception=False, headers={"x-forwarded-proto": "https"})
    body = assert_api_error(failing, failing.get("/api/v1/fail", headers=headers), 500)
    assert body["error"] == ERROR_TEXTS["failed"][language]


@pytest.mark.parametrize("status", ["400", "404", "405", "414", "429", "431", "500"])
def test_every_error_status_is_documented_with_the_error_shape(client, status):
    document = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/status", "/api/v1/milestones"):
        documented = document["paths"][path]["get"]["responses"][status]
        name = documented["$ref"].rsplit("/", 1)[1]
        response = document["components"]["responses"][name]
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
        assert "Access-Control-Allow-Origin" in response["headers"]


def test_304_is_documented_with_its_headers(client):
    document = client.get("/api/v1/openapi.json").json()
    not_modified = document["components"]["responses"]["NotModified"]
    assert {"ETag", "Last-Modified", "Cache-Control", "Access-Control-Allow-Origin"} <= set(
        not_modified["headers"]
    )
    ok = document["paths"]["/api/v1/status"]["get"]["responses"]["200"]
    assert {"ETag", "Last-Modified", "Cache-Control", "Content-Language"} <= set(ok["headers"])


# CORS for a read-only public API.
@pytest.mark.parametrize("path", ["/api/v1/status", "/api/v1/milestones", "/milestones.ics"])
def test_a_preflight_is_answered(path):
    # Through the WSGI application: the test client would drop a 204's body itself.
    response = wsgi.call(
        "OPTIONS",
        path,
        {
            "origin": "https://elsewhere.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert response.status == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert response["Access-Control-Allow-Headers"] == "If-None-Match, If-Modified-Since"
    assert int(response["Access-Control-Max-Age"]) >= 600
    assert response.body == b""


def test_a_script_on_another_origin_may_read_the_etag(client):
    response = client.get("/api/v1/status", headers={"origin": "https://elsewhere.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == "ETag, Last-Modified"
    assert response["ETag"]


# The language: ?lang=, else Accept-Language, never a cookie; Vary says exactly that.
def test_the_language_cookie_is_ignored(client):
    client.cookies["django_language"] = "da"
    body = api(client, "/api/v1/status", date="2023-07-01").json()
    assert body["lang"] == "en"
    assert body == api(client, "/api/v1/status", date="2023-07-01", lang="en").json()


def test_a_language_cookie_cannot_poison_the_cache(client):
    from django.test import Client

    cookie_client = Client(headers={"x-forwarded-proto": "https"})
    cookie_client.cookies["django_language"] = "da"
    for _ in range(8):
        cookie_client.get("/api/v1/milestones")
    for language in ("en", "da"):
        body = client.get("/api/v1/milestones", headers={"accept-language": language}).json()
        asked = client.get("/api/v1/milestones", {"lang": language}).json()
        assert body["lang"] == language
        assert body["milestones"] == asked["milestones"]
    english = client.get("/api/v1/milestones", {"lang": "en"}).json()["milestones"]
    danish = client.get("/api/v1/milestones", {"lang": "da"}).json()["milestones"]
    assert [m["title"] for m in english] != [m["title"] for m in danish]


def test_vary_names_accept_language_only_when_it_chose_the_language(client):
    without = api(client, "/api/v1/milestones")
    assert without["Vary"] == "Accept-Language"
    chosen = api(client, "/api/v1/milestones", lang="da")
    assert "Vary" not in chosen
    assert chosen["Content-Language"] == "da"
    assert "Vary" not in api(client, "/api/v1/openapi.json")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Choose “citizen” or “business” as the audience."),
        ("da", "Vælg „citizen“ (borger) eller „business“ (virksomhed) som målgruppe."),
    ],
)
def test_an_unknown_audience_is_answered_with_every_audience_to_choose(client, language, message):
    headers = {"accept-language": language}
    response = client.get("/api/v1/status", {"audience": "aliens"}, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == message


def test_a_wrong_lang_answers_in_the_accept_language(client):
    response = client.get(
        "/api/v1/milestones", {"lang": "de"}, headers={"accept-language": "da, en;q=0.5"}
    )
    assert response.json()["error"] == "Vælg „en“ eller „da“ som sprog."
    assert response["Vary"] == "Accept-Language"


# Every field the API always sends is required in the document.
def test_every_always_present_field_is_required(client):
    document = client.get("/api/v1/openapi.json").json()
    for name, schema in document["components"]["schemas"].items():
        if schema.get("type") == "object" and name != "Error":
            assert set(schema["required"]) == set(schema["properties"]), name
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == set(error["properties"]) - {"accepted"}


def test_the_document_names_its_contact_licence_and_security(client, settings):
    settings.OPEN_DATA_CONTACT_EMAIL = "data@example.dk"
    document = client.get("/api/v1/openapi.json").json()
    assert document["security"] == []
    assert document["info"]["contact"]["email"] == "data@example.dk"
    assert document["info"]["contact"]["url"] == "https://testserver/en/api/"
    licence = document["info"]["license"]
    assert "Agency for Digital Government" in licence["name"]
    assert licence["url"] == settings.OPEN_DATA_SOURCE_URL
    operations = [document["paths"][p]["get"] for p in document["paths"]]
    assert [o["operationId"] for o in operations] == ["getStatus", "listMilestones"]
    assert all(o["tags"] and o["description"] for o in operations)


@pytest.mark.parametrize(("day", "passed"), [("2023-06-29", False), ("2023-06-30", True)])
def test_a_milestone_has_passed_on_its_own_day(client, day, passed):
    body = api(client, "/api/v1/status", date=day).json()
    limited = next(m for m in body["milestones"] if m["date"] == "2023-06-30")
    assert limited["passed"] is passed


def test_the_preflight_is_documented_as_answered(client):
    document = client.get("/api/v1/openapi.json").json()
    headers = document["components"]["headers"]
    for path in ("/api/v1/status", "/api/v1/milestones"):
        response = client.options(path)
        assert response.status_code == 204
        documented = document["paths"][path]["options"]["responses"]["204"]
        assert documented == {"$ref": "#/components/responses/Preflight"}
        for name, header in document["components"]["responses"]["Preflight"]["headers"].items():
            schema = headers[header["$ref"].rsplit("/", 1)[1]]["schema"]
            assert response[name] == schema.get("const", response[name])
