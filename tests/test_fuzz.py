"""Fuzzing: generated dates, query strings and headers never give a 500; errors are clear 4xx.

Bounded for `make test`; `HYPOTHESIS_PROFILE=long make test` (or `make fuzz`) runs far more.
"""

import json
from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidance.dates import DateError, parse_date
from guidance.models import FIRST_DATE, LAST_DATE

PAGES = ["/en/", "/da/", "/en/timeline/", "/da/timeline/"]
DATA = ["/api/v1/status", "/api/v1/milestones", "/milestones.ics"]
FIELDS = ["date", "audience", "passport", "smartphone", "lang"]
FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["yes", "no", "citizen", "business", "en", "da", "", "2023-07-01"]),
    st.dates().map(str),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    st.from_regex(r"[0-9]{1,4}[-./][0-9]{1,4}[-./][0-9]{1,5}", fullmatch=True),
)
queries = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), values, max_size=6
)


def assert_clear_answer(response, path: str) -> None:
    assert response.status_code in (200, 400, 414), (path, response.status_code)
    if response.status_code != 400:
        return
    if path.startswith(("/api/", "/milestones")):
        body = json.loads(response.content)
        assert body["error"]
        assert body["field"] in FIELDS
    else:
        assert b'class="error-summary"' in response.content


@given(st.text(max_size=80))
def test_parse_date_returns_a_date_in_range_or_says_why(text):
    try:
        parsed = parse_date(text)
    except DateError as error:
        message = str(error)
    else:
        assert FIRST_DATE <= parsed <= LAST_DATE
        return
    assert message


@given(
    st.dates(min_value=FIRST_DATE, max_value=LAST_DATE),
    st.sampled_from(["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]),
)
def test_every_real_date_in_range_is_read_in_every_accepted_form(day, form):
    assert parse_date(day.strftime(form)) == day


@given(st.dates().filter(lambda d: not FIRST_DATE <= d <= LAST_DATE))
def test_every_date_outside_the_range_is_refused(day):
    with pytest.raises(DateError):
        parse_date(f"{day.year:04d}-{day.month:02d}-{day.day:02d}")


@pytest.mark.django_db
@FUZZ
@given(path=st.sampled_from(PAGES + DATA), query=queries)
def test_generated_queries_never_give_a_500(client, path, query):
    assert_clear_answer(client.get(path, query), path)


@pytest.mark.django_db
@FUZZ
@given(path=st.sampled_from(PAGES + DATA), raw=st.binary(max_size=120))
def test_raw_query_bytes_never_give_a_500(client, path, raw):
    query = quote(raw, safe="=&")
    assert_clear_answer(client.get(f"{path}?{query}"), path)


@pytest.mark.django_db
@FUZZ
@given(path=st.sampled_from(["/", *PAGES, *DATA]), language=st.text(max_size=200))
def test_generated_accept_language_headers_never_give_a_500(client, path, language):
    try:
        header = language.encode("latin-1").decode("latin-1")
    except UnicodeEncodeError:
        header = language.encode("utf-8").decode("latin-1")
    response = client.get(path, headers={"accept-language": header})
    assert response.status_code in (200, 302)


def test_the_fuzz_covers_the_real_boundaries():
    assert parse_date("30.06.2023") == date(2023, 6, 30)


@pytest.mark.django_db
@FUZZ
@given(
    path=st.sampled_from(["/", *PAGES, *DATA, "/healthz", "/nowhere/"]), host=st.text(max_size=80)
)
def test_generated_host_headers_never_give_a_500(path, host):
    from django.test import Client

    client = Client(raise_request_exception=False, headers={"x-forwarded-proto": "https"})
    header = host.encode("utf-8").decode("latin-1")
    response = client.get(path, headers={"host": header})
    assert response.status_code < 500, (host, response.status_code)
