"""One vocabulary: the audiences, statuses, languages and date range the API, the forms, the
feed and the OpenAPI document accept come from the models and settings, never copied."""

import re
import subprocess
import sys
from datetime import date

import pytest
from django.conf import settings
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from guidance.models import Audience, NemIDStatus
from guidance.opendata.api import DATE_FORMS
from guidance.opendata.openapi import date_pattern, openapi_document
from guidance.rules.dates import FIRST_DATE, LAST_DATE
from guidance.rules.vocabulary import year_pattern

SOURCES = [
    "guidance/opendata/openapi.py",
    "guidance/opendata/openapi.yaml",
    "guidance/opendata/api.py",
    "guidance/opendata/calendar.py",
    "guidance/pages/forms.py",
]


def test_the_documents_enums_are_the_models_choices():
    schemas = openapi_document("https://testserver/")["components"]["schemas"]
    assert schemas["Audience"]["enum"] == Audience.values
    assert schemas["AudienceParameter"]["enum"] == [*Audience.values, ""]
    assert schemas["NemIDStatus"]["enum"] == NemIDStatus.values
    assert schemas["Language"]["enum"] == [code for code, _name in settings.LANGUAGES]


def test_the_document_names_the_date_forms_the_api_reads():
    document = openapi_document("https://testserver/")
    forms = document["components"]["schemas"]["AcceptedDates"]["properties"]["forms"]
    assert forms["examples"] == [DATE_FORMS]
    described = document["components"]["parameters"]["date"]["description"]
    assert all(form in described for form in DATE_FORMS)
    assert f"from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}" in described


@pytest.mark.parametrize("path", SOURCES)
def test_no_code_copies_the_vocabulary(path):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / path).read_text()
    for word in (*Audience.values, *NemIDStatus.values[1:], "1900", "2100"):
        assert not re.search(rf"[\"“]{word}[\"”]", text), f"{path} copies {word!r}"


@given(st.integers(1000, 9999), st.integers(1000, 9999), st.integers(1000, 9999))
@example(1900, 2098, 2099)  # a century that does not fit whole: one year past the end
@example(1990, 2008, 2009)  # the same for a decade
def test_the_year_pattern_matches_exactly_the_years_in_range(first, last, year):
    first, last = min(first, last), max(first, last)
    matches = re.fullmatch(year_pattern(first, last), str(year)) is not None
    assert matches == (first <= year <= last)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        (FIRST_DATE.isoformat(), True),
        (LAST_DATE.isoformat(), True),
        (date(FIRST_DATE.year - 1, 12, 31).isoformat(), False),
        (date(LAST_DATE.year + 1, 1, 1).isoformat(), False),
        (LAST_DATE.strftime("%d.%m.%Y"), True),
    ],
)
def test_the_documents_date_pattern_follows_the_date_range(text, accepted):
    assert (re.match(date_pattern(), text) is not None) == accepted


@pytest.mark.django_db
@pytest.mark.parametrize("audience", Audience.values)
@pytest.mark.parametrize(
    "path", ["/api/v1/status", "/api/v1/milestones", "/milestones.ics", "/en/", "/en/timeline/"]
)
def test_every_endpoint_accepts_every_audience(client, path, audience):
    assert client.get(path, {"audience": audience}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/status", "/api/v1/milestones", "/milestones.ics"])
def test_every_endpoint_refuses_an_unknown_audience_naming_every_known_one(client, path):
    response = client.get(path, {"audience": "agency"})
    assert response.status_code == 400
    message = response.json()["error"]
    for audience in Audience.values:
        assert f"“{audience}”" in message


NEW_AUDIENCE = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "eidguide.settings"
os.environ["DEBUG"] = "true"
import django
django.setup()
import importlib
from django.db import models
import guidance.models

class Audience(models.TextChoices):
    CITIZEN = "citizen", "Citizen"
    BUSINESS = "business", "Business"
    AGENCY = "agency", "Agency"

guidance.models.Audience = Audience
from guidance.rules import vocabulary
from guidance.pages import forms
from guidance.opendata import openapi, api
for module in (vocabulary, forms, openapi, api):
    importlib.reload(module)
from guidance.opendata import api
from guidance.pages import forms
from guidance.opendata import openapi
from django.utils import translation

document = openapi.openapi_document("https://testserver/")
assert "agency" in document["components"]["schemas"]["Audience"]["enum"]
assert "agency" in document["components"]["schemas"]["AudienceParameter"]["enum"]
for form in (forms.AdviceForm, api.StatusQuery, api.MilestonesQuery):
    assert form({"audience": "agency"}).is_valid(), form
    refused = form({"audience": "aliens"})
    assert not refused.is_valid()
    with translation.override("en"):
        message = str(refused.errors["audience"][0])
    assert "“agency”" in message and "“citizen”" in message, message
print("a new audience reaches every endpoint")
"""


def test_a_new_audience_is_accepted_and_named_by_every_endpoint_alike():
    """Run in a separate process: the modules are rebuilt around an Audience with a third member."""
    result = subprocess.run(
        [sys.executable, "-c", NEW_AUDIENCE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "a new audience reaches every endpoint" in result.stdout


LANGUAGE_TAGS = st.sampled_from(["da", "da-DK", "en", "en-GB", "de", "fr-CA", "*", "nb", "DA"])


@st.composite
def accept_language_headers(draw) -> str:
    tags = draw(st.lists(LANGUAGE_TAGS, max_size=4))
    qualities = draw(st.lists(st.sampled_from(["", ";q=0.9", ";q=0.5", ";q=0.1"]), min_size=4))
    return ", ".join(tag + quality for tag, quality in zip(tags, qualities, strict=False))


def expected_language(header: str) -> str:
    """The first site language the header asks for, by quality then order; else English."""
    asked = []
    for position, part in enumerate(header.split(",")):
        tag, _, quality = part.strip().partition(";q=")
        if tag:
            asked.append((-float(quality or 1), position, tag.split("-")[0].lower()))
    for _quality, _position, base in sorted(asked):
        if base in ("en", "da"):
            return base
    return "en"


@pytest.mark.django_db
@hypothesis_settings(max_examples=150)
@given(header=accept_language_headers(), cookie=st.sampled_from(["", "da", "en", "de"]))
def test_the_api_language_is_the_accept_languages_never_the_cookies(header, cookie):
    """Whatever cookie a client holds and whatever came before, the answer follows
    Accept-Language: a cookie can neither choose the language nor poison the cache."""
    from django.test import Client

    visitor = Client(headers={"x-forwarded-proto": "https"})
    if cookie:
        visitor.cookies["django_language"] = cookie
    response = visitor.get("/api/v1/milestones", headers={"accept-language": header})
    assert response.json()["lang"] == expected_language(header), header
    assert response["Content-Language"] == expected_language(header)


@pytest.mark.parametrize(
    ("language", "values", "text"),
    [
        ("en", ["en"], "“en”"),
        ("en", ["en", "da"], "“en” or “da”"),
        ("en", ["citizen", "business", "agency"], "“citizen”, “business” or “agency”"),
        ("da", ["citizen", "business", "agency"], "„citizen“, „business“ eller „agency“"),
    ],
)
def test_a_list_of_choices_reads_as_a_sentence(language, values, text):
    """How every "choose one of" message names the choices, for one, two or more of them."""
    from django.utils import translation

    from guidance.rules.vocabulary import one_of

    with translation.override(language):
        assert one_of(values) == text
