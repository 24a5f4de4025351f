"""Property-based run of the API against its own OpenAPI document (schemathesis).

Every generated request must get a response that matches the document, and no input a 500.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), headers={"X-Forwarded-Proto": "https"}
)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_document(case):
    # JSON Schema cannot say that 30 February does not exist, so a schema-valid date can still be
    # refused. Instead of schemathesis's blanket acceptance check, the check below allows
    # exactly that refusal and nothing else.
    response = case.call_and_validate(
        headers={"X-Forwarded-Proto": "https"}, excluded_checks=[positive_data_acceptance]
    )
    if response.status_code == 400 and not case.meta.generation.mode.is_negative:
        body = response.json()
        assert body["field"] == "date", body
        assert "not a real calendar date" in body["error"], body
