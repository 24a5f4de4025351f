"""The OpenAPI 3.1 document that describes /api/v1 (openapi.yaml), served at /api/v1/openapi.json,
with what the code knows put in: the vocabulary's enums, the date range, this server's address,
the contact and licence from the settings, and the example answers."""

import copy
import json
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

from guidance.models import DatePrecision
from guidance.rules.dates import FIRST_DATE, LAST_DATE
from guidance.rules.vocabulary import audiences, languages, statuses, year_pattern

HERE = Path(__file__).parent
# An empty parameter counts as not given, as an HTML form sends it ("I'd rather not say").
NOT_GIVEN = ""
# Answers of /api/v1/status shown in the document: true answers of the seed, asked on the day the
# file names (tests/opendata/test_api.py asks them again and compares); "{server}" is this server.
STATUS_EXAMPLES = HERE / "openapi_examples.json"
SERVER_PLACEHOLDER = "{server}"


@cache
def written() -> dict:
    return yaml.safe_load((HERE / "openapi.yaml").read_text(encoding="utf-8"))


@cache
def examples_text() -> str:
    return STATUS_EXAMPLES.read_text(encoding="utf-8")


def date_pattern() -> str:
    """The dates the API reads, as a regular expression over the accepted years."""
    year = year_pattern(FIRST_DATE.year, LAST_DATE.year)
    month = r"(0?[1-9]|1[0-2])"
    day = r"(0?[1-9]|[12][0-9]|3[01])"
    day_first = rf"{day}-{month}-{year}|{day}\.{month}\.{year}|{day}/{month}/{year}"
    return rf"^\s*({year}-{month}-{day}|{day_first})?\s*$"


def status_examples(server: str) -> dict:
    """The example answers of /api/v1/status, with this server's address, as OpenAPI Example
    Objects (the query each answers is said in its description)."""
    examples = json.loads(examples_text().replace(SERVER_PLACEHOLDER, server))
    return {
        name: {
            "summary": example["summary"],
            "description": (
                f"GET /api/v1/status?{example['query']}, asked on {example['asked_on']} "
                "(today in Europe/Copenhagen)."
            ),
            "value": example["value"],
        }
        for name, example in examples.items()
    }


def openapi_document(server_url: str) -> dict:
    """The OpenAPI 3.1 document, with this server's address."""
    document = copy.deepcopy(written())
    server = server_url.rstrip("/")
    document["servers"] = [{"url": server, "description": "This server."}]
    contact = {"name": settings.OPEN_DATA_CONTACT_NAME}
    contact["url"] = settings.OPEN_DATA_CONTACT_URL or f"{server}/en/api/"
    if settings.OPEN_DATA_CONTACT_EMAIL:
        contact["email"] = settings.OPEN_DATA_CONTACT_EMAIL
    document["info"]["contact"] = contact
    document["info"]["license"] = {
        "name": settings.OPEN_DATA_LICENSE_NAME,
        "url": settings.OPEN_DATA_LICENSE_URL,
    }
    schemas = document["components"]["schemas"]
    for name, values in [("Audience", audiences()), ("Language", languages())]:
        schemas[name]["enum"] = values
        schemas[f"{name}Parameter"]["enum"] = [*values, NOT_GIVEN]
    schemas["NemIDStatus"]["enum"] = statuses()
    schemas["DatePrecision"]["enum"] = list(DatePrecision.values)
    parameters = document["components"]["parameters"]
    parameters["date"]["schema"]["pattern"] = date_pattern()
    filled = {
        "first": FIRST_DATE.isoformat(),
        "last": LAST_DATE.isoformat(),
        "audience": audiences()[0],
        "language": languages()[0],
    }
    for parameter in parameters.values():
        parameter["description"] = parameter["description"].format(**filled)
    status = document["paths"]["/api/v1/status"]["get"]["responses"]["200"]
    status["content"]["application/json"]["examples"] = status_examples(server)
    return document
