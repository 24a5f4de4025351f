"""Fuzzing: generated dates, query strings and headers never give a 500; errors are clear 4xx.

Bounded for `make test`; `HYPOTHESIS_PROFILE=long make test` (or `make fuzz`) runs far more.
"""

import importlib
import json
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from guidance.models import EnrollmentOption, Milestone
from guidance.rules.dates import FIRST_DATE, LAST_DATE, DateError, parse_date

PAGES = ["/en/", "/da/", "/en/timeline/", "/da/timeline/"]
DATA = ["/api/v1/status", "/api/v1/milestones", "/milestones.ics"]
FIELDS = ["date", "audience", "passport", "smartphone", "lang"]
FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FORMS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]
ONE_DAY = timedelta(days=1)
SEED = importlib.import_module("guidance.migrations.0002_seed_official_facts")
LAUNCH_YEAR = importlib.import_module("guidance.migrations.0018_launch_year_data").YEAR["date"]


def around(days) -> set[date]:
    """The day before, the day of and the day after each day."""
    return {day + shift * ONE_DAY for day in days for shift in (-1, 0, 1)}


# Every real boundary: the day before, of and after each milestone and each way's first and last
# day in the seed, and both edges of the accepted range. Hypothesis may never draw one of them by
# chance, so each fuzz test below tries them all as explicit examples; a test checks that this list
# covers the dates in the database.
SEED_DAYS = (
    {row["date"] for row in SEED.MILESTONES}
    | {
        row[name]
        for row in SEED.OPTIONS
        for name in ("available_from", "available_until")
        if row.get(name)
    }
    | {LAUNCH_YEAR, LAUNCH_YEAR.replace(month=12, day=31)}
)  # launched in 2010, no day given
BOUNDARIES = sorted(around(SEED_DAYS) | {FIRST_DATE, LAST_DATE})
OUTSIDE_EDGES = [FIRST_DATE - ONE_DAY, LAST_DATE + ONE_DAY, date(1, 1, 1), date(9999, 12, 31)]


def with_examples(*examples):
    """Add each keyword dict in ``examples`` as an explicit Hypothesis example."""

    def decorate(test):
        for keywords in reversed(examples):
            test = example(**keywords)(test)
        return test

    return decorate


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


@given(day=st.dates(min_value=FIRST_DATE, max_value=LAST_DATE), form=st.sampled_from(FORMS))
@with_examples(*({"day": day, "form": form} for day in BOUNDARIES for form in FORMS))
def test_every_real_date_in_range_is_read_in_every_accepted_form(day, form):
    assert parse_date(day.strftime(form)) == day


@given(day=st.dates().filter(lambda d: not FIRST_DATE <= d <= LAST_DATE))
@with_examples(*({"day": day} for day in OUTSIDE_EDGES))
def test_every_date_outside_the_range_is_refused(day):
    with pytest.raises(DateError):
        parse_date(f"{day.year:04d}-{day.month:02d}-{day.day:02d}")


@pytest.mark.django_db
@FUZZ
@given(path=st.sampled_from(PAGES + DATA), query=queries)
@with_examples(
    *(
        {"path": path, "query": {"date": day.isoformat(), "audience": audience}}
        for day in [*BOUNDARIES, *OUTSIDE_EDGES[:2]]
        for path in PAGES[:1] + DATA[:1]
        for audience in ("citizen", "business")
    )
)
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


def explicit_days(test, name: str = "day") -> set[date]:
    """The days a Hypothesis test tries as explicit examples (argument ``name``)."""
    days = set()
    for each in test.hypothesis_explicit_examples:
        value = each.kwargs[name]
        days.add(date.fromisoformat(value["date"]) if isinstance(value, dict) else value)
    return days


@pytest.mark.django_db
def test_the_fuzz_covers_the_real_boundaries():
    # The dates in the database (the seed and any later migration), not only the seed module's.
    stored = {day for m in Milestone.objects.all() for day in (m.date, m.last_day)}
    for start, end in EnrollmentOption.objects.values_list("available_from", "available_until"):
        stored |= {day for day in (start, end) if day}
    assert stored, "the seed should hold milestones"
    wanted = around(stored) | {FIRST_DATE, LAST_DATE}
    assert wanted <= set(BOUNDARIES)
    reading = test_every_real_date_in_range_is_read_in_every_accepted_form
    assert explicit_days(reading) >= wanted
    forms = {each.kwargs["form"] for each in reading.hypothesis_explicit_examples}
    assert forms == set(FORMS)
    asking = test_generated_queries_never_give_a_500
    assert explicit_days(asking, "query") >= wanted | {FIRST_DATE - ONE_DAY, LAST_DATE + ONE_DAY}
    assert explicit_days(test_every_date_outside_the_range_is_refused) >= {
        FIRST_DATE - ONE_DAY,
        LAST_DATE + ONE_DAY,
    }


def test_every_boundary_and_edge_is_read_and_the_days_just_outside_are_refused():
    for day in BOUNDARIES:
        for form in FORMS:
            assert parse_date(day.strftime(form)) == day
    for day in OUTSIDE_EDGES[:2]:
        with pytest.raises(DateError, match="from 1 January 1900 to 31 December 2100"):
            parse_date(day.isoformat())


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
