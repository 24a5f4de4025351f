"""The JSON API: the SPEC's shape, the pages' answers, clear errors, read-only for everyone."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import jsonschema
import pytest
import time_machine

from guidance.rules.dates import FIRST_DATE, LAST_DATE, today_in_copenhagen
from tests import wsgi
from tests.conftest import answer_status
from tests.pages.test_pages import BOUNDARY_CASES
from tools.public_pages import SEED_MILESTONE_DAYS, dates_to_check

pytestmark = pytest.mark.django_db


def api(client, path, **params):
    return client.get(path, params)


def test_status_has_the_spec_shape(client):
    body = api(client, "/api/v1/status", date="2023-07-01").json()
    assert body["date"] == "2023-07-01"
    assert body["audience"] == "citizen"
    assert body["nemid"]["status"] == "limited"
    assert body["nemid"]["label"] == "Limited service"
    assert body["nemid"]["since"] == "2023-06-30"
    assert body["next_milestone"] == {
        "date": "2023-10-31",
        "date_precision": "day",
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
        == "Begrænset service"
    )
    response = client.get(
        "/api/v1/status", {"date": "2023-07-01"}, headers={"accept-language": "da"}
    )
    assert response.json()["nemid"]["label"] == "Begrænset service"
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
    assert len(body["milestones"]) == 7
    assert body["audience"] is None


def test_milestones_filter_by_audience_and_language(client):
    body = api(client, "/api/v1/milestones", audience="business", lang="da").json()
    assert [m["date"] for m in body["milestones"]] == ["2010-01-01", "2023-06-30", "2023-10-31"]
    assert body["milestones"][2]["title"] == "NemID lukker for virksomheder"


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


def test_openapi_document_describes_every_operation(client):
    document = api(client, "/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/v1/status", "/api/v1/milestones", "/api/v1/badge"}


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
        # A past date's page tells what to do today (the API's now part), not then.
        assert (body["now"] is not None) == (when < today_in_copenhagen())
        act_on = body["now"] or body
        for action in act_on["actions"]:
            assert action in html
        for option in act_on["enrollment_options"]:
            assert option["name"] in html


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_milestones_api_matches_the_timeline_page(client, language, audience):
    body = client.get("/api/v1/milestones", {"audience": audience, "lang": language}).json()
    html = client.get(f"/{language}/timeline/", {"audience": audience}).content.decode()
    for milestone in body["milestones"]:
        # As precise as the source: "2010" for a year, "2010-07" for a month.
        length = {"year": 4, "month": 7, "day": 10}[milestone["date_precision"]]
        assert f'<time datetime="{milestone["date"][:length]}">' in html
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


def test_over_long_input_on_pages_gets_the_sites_page(client):
    response = client.get("/en/", {"date": "x" * 3000})
    assert response.status_code == 414
    assert response["Content-Type"].startswith("text/html")
    assert "The request could not be read" in response.content.decode()


def test_a_failure_inside_the_api_gets_500_json(settings):
    from django.test import Client

    settings.ROOT_URLCONF = "tests.urls_api_error"
    failing = Client(raise_request_exception=False, headers={"x-forwarded-proto": "https"})
    body = assert_api_error(failing, failing.get("/api/v1/fail"), 500)
    assert "Traceback" not in body["error"]


ERROR_TEXTS = {
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
    """The whole message, in the language the client accepts: a host this service does not
    answer for, and a failure inside."""
    from django.test import Client

    headers = {"accept-language": language}
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


def test_a_view_may_vary_on_several_headers_and_gets_exactly_those(rf):
    """``vary_exactly`` replaces whatever Vary the response had (LocaleMiddleware's, say) with
    the headers named, all of them, as one list."""
    from django.http import HttpResponse

    from eidguide.middleware import ExactVaryMiddleware
    from guidance.opendata.api import vary_exactly

    def view(request):
        response = HttpResponse("{}")
        response["Vary"] = "Cookie"
        return vary_exactly(response, "Accept-Language", "Origin")

    response = ExactVaryMiddleware(view)(rf.get("/api/v1/milestones"))
    assert response["Vary"] == "Accept-Language, Origin"


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
    assert [o["operationId"] for o in operations] == ["getStatus", "listMilestones", "getBadge"]
    assert all(o["tags"] and o["description"] for o in operations)


def test_the_document_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/v1/openapi.json").json())


def test_every_operation_is_named_summarised_tagged_and_answers_and_refuses(client):
    """What the tools that read the document ask of each operation (OPTIONS too): a unique
    operationId safe in a URL, a summary and a description, tags the document describes, a 2xx
    answer and a documented 4xx refusal."""
    document = client.get("/api/v1/openapi.json").json()
    described = {tag["name"] for tag in document["tags"] if tag["description"]}
    operations = [operation for path in document["paths"].values() for operation in path.values()]
    names = [operation["operationId"] for operation in operations]
    assert len(names) == len(set(names)) == 6
    for operation in operations:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", operation["operationId"])
        assert operation["summary"]
        assert operation["description"]
        assert operation["tags"]
        assert set(operation["tags"]) <= described
        assert any(status.startswith("2") for status in operation["responses"])
        assert any(status.startswith("4") for status in operation["responses"])


def test_every_component_is_used(client):
    text = client.get("/api/v1/openapi.json").content.decode()
    for kind, components in json.loads(text)["components"].items():
        for name in components:
            assert f'"#/components/{kind}/{name}"' in text, f"{kind}/{name} is never used"


def schema_examples(node):
    """Every example in the document with the schema it must fit: a parameter's `example`, and
    each of a schema's `examples`."""
    if isinstance(node, dict):
        if "example" in node and "schema" in node:
            yield node["example"], node["schema"]
        if isinstance(node.get("examples"), list):
            for example in node["examples"]:
                yield example, node
        for value in node.values():
            yield from schema_examples(value)
    elif isinstance(node, list):
        for value in node:
            yield from schema_examples(value)


def test_every_example_in_a_schema_or_parameter_fits_it(client):
    document = client.get("/api/v1/openapi.json").json()
    found = list(schema_examples(document))
    assert len(found) >= 2  # the date parameter's, and the accepted date forms'
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    for example, schema in found:
        resolvable = {**schema, "components": document["components"]}
        jsonschema.validate(example, resolvable, format_checker=checker)


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


# A past date: that day's facts as they were, and what applies today apart (issue 13).
TODAY = date(2026, 11, 25)


@pytest.fixture
def today_is_25_november_2026():
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=False):
        yield


CLOSED_ACTIONS = [
    "Use MitID to log in to digital self-services.",
    "Throw away your NemID key card. It can no longer be used.",
    "Delete the NemID key app from your phone or tablet. It does not go away by itself.",
]


@pytest.mark.usefixtures("today_is_25_november_2026")
def test_a_past_date_keeps_that_days_facts_and_adds_what_applies_today(client):
    body = api(client, "/api/v1/status", date="2023-01-01").json()
    assert body["date"] == "2023-01-01"
    assert body["nemid"]["status"] == "restricted"
    assert body["nemid"]["since"] == "2022-10-30"
    assert body["next_milestone"]["date"] == "2023-06-30"
    # As the page says it: the warning before the next change first, then that day's actions.
    assert body["actions"] == [
        "Get MitID before 30 June 2023.",
        "Get MitID if you do not have it yet. NemID is being phased out.",
    ]
    assert body["today"] == "2026-11-25"
    assert body["is_past"] is True
    now = body["now"]
    assert now["date"] == "2026-11-25"
    assert now["nemid"] == {
        "status": "closed",
        "label": "Closed",
        "summary": "NemID is closed and can no longer be used. Use MitID instead.",
        "since": "2023-10-31",
        "since_precision": "day",
    }
    assert now["next_milestone"] is None
    assert now["actions"] == CLOSED_ACTIONS
    assert [o["slug"] for o in now["enrollment_options"]] == ["mitid-app", "citizen-service"]
    assert now["unsuitable_options"] == []
    assert "read your Digital Post" in now["self_services"]
    assert now["url"] == "https://testserver/en/?date=2026-11-25"


@pytest.mark.usefixtures("today_is_25_november_2026")
def test_a_past_date_for_a_business_says_to_switch_to_mitid_business_now(client):
    body = api(client, "/api/v1/status", date="2023-01-01", audience="business").json()
    assert body["nemid"]["status"] == "active"
    assert body["actions"] == []
    assert body["next_milestone"]["date"] == "2023-06-30"
    assert body["is_past"] is True
    now = body["now"]
    assert now["nemid"]["status"] == "closed"
    assert now["nemid"]["summary"].endswith("This includes NemID Employee Signature.")
    assert now["actions"] == [
        "Switch to MitID Business.",
        "Throw away your NemID key cards. They can no longer be used.",
    ]
    assert [o["slug"] for o in now["enrollment_options"]] == ["mitid-business"]
    assert now["self_services"] == []
    assert now["url"] == "https://testserver/en/?date=2026-11-25&audience=business"


@pytest.mark.usefixtures("today_is_25_november_2026")
def test_the_now_part_follows_the_language(client):
    body = api(client, "/api/v1/status", date="2023-01-01", audience="business", lang="da").json()
    assert body["nemid"]["label"] == "Aktiv"
    assert body["now"]["nemid"]["label"] == "Lukket"
    assert body["now"]["actions"][0] == "Skift til MitID Erhverv."
    assert body["now"]["enrollment_options"][0]["name"] == "MitID Erhverv"
    assert body["now"]["url"] == "https://testserver/da/?date=2026-11-25&audience=business"


@pytest.mark.usefixtures("today_is_25_november_2026")
def test_the_situation_narrows_the_ways_open_today_too(client):
    now = api(client, "/api/v1/status", date="2009-12-31", passport="no").json()["now"]
    assert [o["slug"] for o in now["enrollment_options"]] == ["citizen-service"]
    assert now["unsuitable_options"][0]["missing_codes"] == ["danish-passport"]


@pytest.mark.usefixtures("today_is_25_november_2026")
@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_before_launch_nothing_was_open_then_but_today_is_told(client, audience):
    body = api(client, "/api/v1/status", date="2009-12-31", audience=audience).json()
    assert body["nemid"]["status"] == "not_launched"
    assert body["actions"] == []
    assert body["now"]["nemid"]["status"] == "closed"
    assert body["now"]["actions"]
    assert body["now"]["enrollment_options"]


@pytest.mark.usefixtures("today_is_25_november_2026")
@pytest.mark.parametrize("audience", ["citizen", "business"])
@pytest.mark.parametrize("params", [{}, {"date": "2026-11-25"}, {"date": "25.11.2026"}])
def test_today_has_no_now_part_its_own_answer_is_the_one_to_act_on(client, audience, params):
    body = api(client, "/api/v1/status", audience=audience, **params).json()
    assert body["date"] == body["today"] == "2026-11-25"
    assert body["is_past"] is False
    assert body["now"] is None
    assert body["nemid"]["status"] == "closed"
    assert body["actions"]


@pytest.mark.usefixtures("today_is_25_november_2026")
@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_a_future_date_has_no_now_part(client, audience):
    body = api(client, "/api/v1/status", date="2030-01-01", audience=audience).json()
    assert body["today"] == "2026-11-25"
    assert body["is_past"] is False
    assert body["now"] is None


def test_now_is_today_not_the_closing_state(client):
    """In July 2023 a question about January 2023 is answered with July's status and actions,
    and the closing ahead: "now" is whatever today is."""
    with time_machine.travel(datetime(2023, 7, 1, 12, tzinfo=UTC), tick=False):
        body = api(client, "/api/v1/status", date="2023-01-01").json()
        future = api(client, "/api/v1/status", date="2023-11-01").json()
    assert body["now"]["date"] == "2023-07-01"
    assert body["now"]["nemid"]["status"] == "limited"
    assert body["now"]["nemid"]["since"] == "2023-06-30"
    assert body["now"]["next_milestone"] == {
        "date": "2023-10-31",
        "date_precision": "day",
        "status": "closed",
        "title": "NemID closes",
    }
    assert body["now"]["actions"][:2] == [
        "Get MitID before 31 October 2023.",
        "Get MitID now. You cannot get a new NemID.",
    ]
    # A date ahead is answered as it will be; it is what to prepare for, nothing is "now".
    assert future["now"] is None
    assert future["actions"] == CLOSED_ACTIONS


@pytest.mark.parametrize(
    ("moment", "past"),
    [
        (datetime(2023, 6, 29, 21, 59, tzinfo=UTC), False),
        (datetime(2023, 6, 29, 22, tzinfo=UTC), True),
    ],
)
def test_a_date_is_past_from_midnight_in_copenhagen(client, moment, past):
    with time_machine.travel(moment, tick=False):
        body = api(client, "/api/v1/status", date="2023-06-29").json()
    assert body["is_past"] is past
    assert (body["now"] is not None) is past
    if past:
        assert body["now"]["date"] == "2023-06-30"
        assert body["now"]["nemid"]["status"] == "limited"


def the_pages_now_part(html: str) -> str:
    """What the advice page says applies today: from "What to do now" to the timeline."""
    return html[html.index('id="todo-heading"') : html.index('id="coming-heading"')]


@pytest.mark.usefixtures("today_is_25_november_2026")
@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("audience", ["citizen", "business"])
@pytest.mark.parametrize("day", [*dates_to_check(SEED_MILESTONE_DAYS), TODAY, date(2030, 1, 1)])
def test_the_api_says_what_applies_today_as_the_page_does(client, language, audience, day):
    params = {"date": day.isoformat(), "audience": audience, "passport": "no"}
    html = client.get(f"/{language}/", params).content.decode()
    body = client.get("/api/v1/status", {**params, "lang": language}).json()
    if day >= TODAY:
        assert body["now"] is None
        assert 'class="section now"' not in html
        return
    now, part = body["now"], the_pages_now_part(html)
    assert 'class="section now"' in html
    if now["nemid"] == body["nemid"]:
        # The answer for the date still applies: the page says so instead of repeating it.
        assert "still applies today" in part or "gælder stadig i dag" in part
        assert f'status-tag--{now["nemid"]["status"]}">{now["nemid"]["label"]}<' in html
        assert now["nemid"]["summary"] in html
    else:
        assert f'status-tag--{now["nemid"]["status"]}">{now["nemid"]["label"]}<' in part
        assert now["nemid"]["summary"] in part
    for action in now["actions"]:
        assert f"<li>{action}</li>" in part
    for option in now["enrollment_options"]:
        assert option["name"] in part
    for unsuitable in now["unsuitable_options"]:
        assert unsuitable["name"] in part


# The document's examples: valid against its schema, and true answers of the seed.
def status_examples(client) -> tuple[dict, dict]:
    document = client.get("/api/v1/openapi.json").json()
    media = document["paths"]["/api/v1/status"]["get"]["responses"]["200"]["content"]
    return media["application/json"]["examples"], document["components"]


def test_the_status_examples_validate_against_the_schema(client):
    examples, components = status_examples(client)
    assert set(examples) == {"pastDateCitizen", "pastDateBusiness", "todayBusiness"}
    answer_schema = {"$ref": "#/components/schemas/StatusAnswer", "components": components}
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    for example in examples.values():
        jsonschema.validate(example["value"], answer_schema, format_checker=checker)
    past = examples["pastDateCitizen"]["value"]
    assert past["is_past"] is True
    assert past["now"]["nemid"]["status"] == "closed"
    assert examples["todayBusiness"]["value"]["now"] is None


def test_each_status_example_is_the_answer_to_its_query(client):
    """Each example is what the API answers to its query on the day it names. After a change to
    the answer or the seed, `UPDATE_OPENAPI_EXAMPLES=1` runs of this test rewrite the file."""
    import os

    from guidance.opendata.openapi import STATUS_EXAMPLES

    examples, _components = status_examples(client)
    stored = json.loads(STATUS_EXAMPLES.read_text(encoding="utf-8"))
    for name, example in stored.items():
        asked_on = date.fromisoformat(example["asked_on"])
        with time_machine.travel(datetime(*asked_on.timetuple()[:3], 12, tzinfo=UTC), tick=False):
            answer = client.get(f"/api/v1/status?{example['query']}").json()
        if os.environ.get("UPDATE_OPENAPI_EXAMPLES"):
            text = json.dumps(answer, ensure_ascii=False).replace("https://testserver", "{server}")
            example["value"] = json.loads(text)
            continue
        assert examples[name]["value"] == answer, name
        assert example["query"] in examples[name]["description"]
    if os.environ.get("UPDATE_OPENAPI_EXAMPLES"):
        text = json.dumps(stored, indent=2, ensure_ascii=False)
        STATUS_EXAMPLES.write_text(f"{text}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "en",
            [
                "For a date in the past, the answer also has a part called <code>now</code>.",
                "what to do now and the ways to get MitID that are open today.",
                "For today and later dates, <code>now</code> is <code>null</code>.",
            ],
        ),
        (
            "da",
            [
                "Spørger du om en tidligere dato, har svaret også en del, der hedder",
                "hvad du skal gøre nu, og hvordan du kan få MitID i dag.",
                "For i dag og senere datoer er <code>now</code> tom (<code>null</code>).",
            ],
        ),
    ],
)
def test_the_api_page_explains_the_now_part(client, language, texts):
    html = client.get(f"/{language}/api/").content.decode()
    for text in texts:
        assert text in html


EXAMPLE_COMMENTS = {
    "en": [
        "# errors are JSON too",
        "# what applies today: only for a date in the past",
        "// What applies today: only for a date in the past (null otherwise).",
        "// Ask again with the ETag: 304 (no body) while nothing has changed.",
    ],
    "da": [
        "# fejl er også JSON",
        "# det, der gælder i dag: kun ved en tidligere dato",
        "// Det, der gælder i dag: kun ved en tidligere dato (ellers null).",
        "// Spørg igen med ETag: 304 (uden indhold), så længe intet er ændret.",
    ],
}


@pytest.mark.parametrize(("language", "other"), [("en", "da"), ("da", "en")])
def test_the_api_pages_examples_are_commented_in_the_pages_language(client, language, other):
    html = unescape(client.get(f"/{language}/api/").content.decode())
    for comment in EXAMPLE_COMMENTS[language]:
        assert comment in html
    for comment in EXAMPLE_COMMENTS[other]:
        assert comment not in html


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_page_and_api_tell_the_same_things_to_do_on_every_seeded_day(client, language, audience):
    """Everything the page tells a visitor to do (the warning before a change included) is the
    API's list for the part the visitor acts on, and nothing else: one function gives both."""
    from guidance.models import Milestone

    days = {d for m in Milestone.objects.all() for d in (m.date - timedelta(days=1), m.date)}
    days.add(today_in_copenhagen())  # (under the clock drill, maybe past the range asked about)
    for day in sorted(d for d in days if FIRST_DATE <= d <= LAST_DATE):
        params = {"date": day.isoformat(), "audience": audience}
        html = client.get(f"/{language}/", params).content.decode()
        body = client.get("/api/v1/status", {**params, "lang": language}).json()
        shown = re.findall(r'<p class="answer__warning">(.*?)</p>', html)
        listed = re.search(r'<ul class="actions"[^>]*>(.*?)</ul>', html, re.S)
        shown += re.findall(r"<li>(.*?)</li>", listed.group(1)) if listed else []
        act_on = body["now"] or body
        assert [unescape(s) for s in shown] == act_on["actions"], (day, audience)
