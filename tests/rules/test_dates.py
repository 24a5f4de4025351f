"""Reading the dates visitors type, and "today" in Copenhagen."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from guidance.pages.forms import AdviceForm
from guidance.rules.dates import MAX_DATE_LENGTH, DateError, parse_date, today_in_copenhagen


@pytest.mark.parametrize(
    "text",
    ["2023-10-31", "31-10-2023", "31.10.2023", "31/10/2023", " 2023-10-31 ", "31.10.2023\n"],
)
def test_every_accepted_form_reads_31_october_2023(text):
    assert parse_date(text) == date(2023, 10, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-7-1", date(2023, 7, 1)),
        ("1.7.2023", date(2023, 7, 1)),
        ("01/07/2023", date(2023, 7, 1)),
    ],
)
def test_single_digit_days_and_months_are_read(text, expected):
    assert parse_date(text) == expected


def test_leap_day_in_a_leap_year_is_a_date():
    assert parse_date("29-02-2024") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "text", ["29-02-2023", "2023-02-29", "31.04.2023", "2023-13-01", "00-01-2023"]
)
def test_impossible_calendar_dates_are_refused_as_not_real(text):
    with pytest.raises(DateError, match="not a real calendar date"):
        parse_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "2023/10/31",
        "10-31",
        "31-10-23",
        "31.10/2023",
        "2023-10-31T00:00",
        "٢٠٢٣-١٠-٣١",
        "2023 - 10 - 31",
        "31 October 2023",
        "",
    ],
)
def test_unreadable_text_is_refused_with_the_accepted_forms(text):
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert "2023-10-31" in str(error.value)
    assert "31.10.2023" in str(error.value)


def test_over_long_input_is_refused_before_parsing():
    with pytest.raises(DateError, match="too long"):
        parse_date("1" * 41)


@pytest.mark.parametrize("text", ["1899-12-31", "01-01-2101", "0001-01-01", "9999-12-31"])
def test_dates_outside_1900_to_2100_are_refused(text):
    with pytest.raises(DateError, match="1900"):
        parse_date(text)


@pytest.mark.parametrize("text", ["1900-01-01", "31-12-2100"])
def test_the_first_and_last_accepted_days_are_read(text):
    assert parse_date(text) in (date(1900, 1, 1), date(2100, 12, 31))


def test_at_half_past_midnight_in_copenhagen_it_is_already_the_next_day():
    # 23:30 UTC on 30 October 2023 is 00:30 on 31 October in Copenhagen (CET, UTC+1).
    with time_machine.travel(datetime(2023, 10, 30, 23, 30, tzinfo=UTC), tick=False):
        assert today_in_copenhagen() == date(2023, 10, 31)


def test_just_before_midnight_in_copenhagen_it_is_still_the_same_day():
    with time_machine.travel(datetime(2023, 10, 30, 22, 59, 59, tzinfo=UTC), tick=False):
        assert today_in_copenhagen() == date(2023, 10, 30)


def test_summer_time_moves_midnight_to_22_utc():
    # 29 June 2023 22:00 UTC is 00:00 on 30 June in Copenhagen (CEST, UTC+2).
    with time_machine.travel(datetime(2023, 6, 29, 22, 0, tzinfo=UTC), tick=False):
        assert today_in_copenhagen() == date(2023, 6, 30)


def test_only_spaces_beyond_the_length_limit_are_too_long_not_empty():
    with pytest.raises(DateError, match="too long"):
        parse_date(" " * 41)


@pytest.mark.parametrize("blank", ["", " ", "\t", " " * MAX_DATE_LENGTH])
def test_a_blank_date_up_to_the_length_limit_asks_about_today(blank):
    form = AdviceForm({"date": blank})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] is None
    assert form.is_today()


def test_a_blank_date_beyond_the_length_limit_is_refused_as_too_long():
    form = AdviceForm({"date": " " * (MAX_DATE_LENGTH + 1)})
    assert not form.is_valid()
    assert "too long" in form.errors["date"][0]
