"""Property-based run of the API against its own OpenAPI document (schemathesis).

Every generated request must get a response that matches the document, and no input a 500.
"""

import functools

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from guidance.opendata.openapi import openapi_document


@functools.cache
def application():
    """The whole WSGI application, middleware included, built when the first case runs (after
    the session's fixtures have set up static files)."""
    return get_wsgi_application()


@pytest.fixture
def test_connection_kept_open():
    """The whole WSGI app closes "old" database connections after each request, which would
    close the test's transaction on PostgreSQL; the test client turns that off the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def documented_refusals(document: dict) -> list[str]:
    """Every 4xx status the document says an operation may answer with."""
    return sorted(
        {
            status
            for operations in document["paths"].values()
            for operation in operations.values()
            for status in operation["responses"]
            if status.startswith("4")
        }
    )


# The document is the one /api/v1/openapi.json serves (a test below checks that).
document = openapi_document("http://localhost")
# Invalid input must be refused with one of the refusals the document declares. Schemathesis's
# own list leaves out 414 and 431, which is how the API (rightly) refuses a generated query
# longer than 2,048 characters or oversized headers.
refusals = {"negative_data_rejection": {"expected-statuses": documented_refusals(document)}}
schema = schemathesis.openapi.from_dict(
    document, config=SchemathesisConfig.from_dict({"checks": refusals})
)
schema.app = lambda environ, start_response: application()(environ, start_response)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_document(case, test_connection_kept_open):
    # JSON Schema cannot say that 30 February does not exist, so a schema-valid date can still be
    # refused. Instead of schemathesis's blanket acceptance check, the check below allows
    # exactly that refusal and nothing else.
    response = case.call_and_validate(
        headers={"X-Forwarded-Proto": "https"}, excluded_checks=[positive_data_acceptance]
    )
    if response.status_code == 400 and not case.meta.generation.mode.is_negative:
        body = response.json()
        assert body["field"] == "date", body
        # The message is the date parser's "not a real calendar date", in the answer's language
        # (?lang= may ask for Danish).
        from django.utils import translation

        from guidance.rules.dates import DateError, parse_date

        with translation.override(case.query.get("lang") or "en"):
            with pytest.raises(DateError) as refused:
                parse_date(case.query["date"])
            assert body["error"] == str(refused.value), body
        with translation.override("en"):
            assert "not a real calendar date" in str(_english_reason(case.query["date"]))


def _english_reason(text: str) -> str:
    from guidance.rules.dates import DateError, parse_date

    try:
        parse_date(text)
    except DateError as error:
        return str(error)
    return ""


@pytest.mark.django_db
def test_the_served_document_is_the_one_tested(client):
    """What /api/v1/openapi.json serves is, but for the server's own address, what the
    conformance run above tests the API against."""
    import json

    served = client.get("/api/v1/openapi.json").content.decode()
    assert "https://testserver" in served
    as_tested = json.loads(served.replace("https://testserver", "http://localhost"))
    assert as_tested == schema.raw_schema


def test_a_too_long_address_counts_as_a_refusal_of_invalid_input():
    """Generated invalid input can make a query longer than the 2,048 characters the API takes;
    its 414 is a documented refusal, not a failure of the conformance run."""
    for path in ("/api/v1/status", "/api/v1/milestones"):
        checks = schema.config.checks_config_for(operation=schema[path]["GET"], phase="fuzzing")
        assert {"400", "414", "431"} <= set(checks.negative_data_rejection.expected_statuses)
        assert "200" not in checks.negative_data_rejection.expected_statuses
