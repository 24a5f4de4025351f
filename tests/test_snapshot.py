"""The content version no write can bypass, the snapshot keyed by it, and reads that fail open."""

import logging
from datetime import datetime

import pytest
from django.apps import apps
from django.db import OperationalError, connection

from guidance import snapshot
from guidance.models import (
    ContentVersion,
    Draft,
    EnrollmentOption,
    Milestone,
    Requirement,
    SelfService,
)
from guidance.publishing.triggers import guarded_tables

pytestmark = pytest.mark.django_db

PAGE = "/en/?date=2024-01-01"


def content_tables() -> set[str]:
    """Every table of the guidance app that holds published content: each model that is not a
    history record, the version itself nor a draft (citizens never see one), and each
    many-to-many link between them."""
    tables = set()
    for model in apps.get_app_config("guidance").get_models():
        if model in (ContentVersion, Draft) or model.__name__.startswith("Historical"):
            continue
        tables.add(model._meta.db_table)
        tables.update(
            field.remote_field.through._meta.db_table for field in model._meta.many_to_many
        )
    return tables


def version() -> int:
    return snapshot.read_version()


def edit_elsewhere(**fields):
    """Change the closing milestone as another process would: in the database only."""
    Milestone.objects.filter(audience="citizen", date="2023-10-31").update(**fields)


def test_every_content_table_bumps_the_version():
    # A new content model fails here until a migration calls content_triggers.install for it.
    assert content_tables() - guarded_tables(connection) == set()
    assert "guidance_enrollmentoption_requirements" in content_tables()


WRITES = {
    "queryset-update": lambda: Milestone.objects.filter(date="2023-10-31").update(
        title_en="Updated"
    ),
    "bulk-create": lambda: SelfService.objects.bulk_create(
        [SelfService(name_en="New", name_da="Ny")]
    ),
    "requirement-update": lambda: Requirement.objects.filter(slug="smartphone").update(
        name_en="A phone"
    ),
    "m2m-clear": lambda: EnrollmentOption.objects.get(slug="mitid-app").requirements.clear(),
    "delete": lambda: SelfService.objects.filter(order__gte=0).delete(),
}


@pytest.mark.parametrize("change", WRITES.values(), ids=WRITES.keys())
def test_any_write_changes_the_version_in_the_same_transaction(change):
    before = version()
    change()
    assert version() > before


def test_the_triggers_keep_the_names_databases_already_have():
    # Databases migrated by earlier releases have triggers by these names; a later migration
    # that drops or replaces them finds them only by the same names.
    assert "guidance_milestone" in guarded_tables(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger")
            expected = {"guidance_milestone_content_changed"}
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = {
                f"guidance_milestone_content_{event}" for event in ("insert", "update", "delete")
            }
        names = {row[0] for row in cursor.fetchall()}
    assert expected <= names


def test_a_database_without_triggers_of_ours_is_refused_at_migrate_with_what_to_use():
    from types import SimpleNamespace

    from django.core.exceptions import ImproperlyConfigured

    from guidance.publishing.triggers import install

    mysql = SimpleNamespace(connection=SimpleNamespace(vendor="mysql"))
    with pytest.raises(ImproperlyConfigured) as refused:
        install(mysql, ["guidance_milestone"])
    assert str(refused.value) == (
        "eID guide keeps its content version with database triggers, written for PostgreSQL "
        "and SQLite; mysql is not supported. Set DATABASE_URL to a PostgreSQL or SQLite "
        "database."
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migrations_take_the_triggers_away_and_put_them_back():
    """Run in the test (not only when the test database was made): unmigrating the content
    version takes every trigger away; migrating again guards every content table, and each
    kind of write then changes the version."""
    from django.core.management import call_command

    call_command("migrate", "guidance", "0004", verbosity=0)
    assert guarded_tables(connection) == set()
    call_command("migrate", "guidance", verbosity=0)
    assert guarded_tables(connection) == content_tables()
    for change in WRITES.values():
        before = version()
        change()
        assert version() > before


def test_raw_sql_as_a_data_migration_would_write_changes_the_version():
    before = version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE guidance_milestone SET title_da = title_da")
    assert version() > before


def test_a_queryset_update_elsewhere_is_served_on_the_next_request(client):
    assert b"can no longer be used" in client.get(PAGE).content
    edit_elsewhere(summary_en="Changed by QuerySet.update.")
    assert b"Changed by QuerySet.update." in client.get(PAGE).content


def test_a_bulk_created_self_service_is_served_on_the_next_request(client):
    assert b"Report a lost key card" not in client.get(PAGE).content
    SelfService.objects.bulk_create([SelfService(name_en="Report a lost key card", name_da="X")])
    assert b"Report a lost key card" in client.get(PAGE).content


def test_a_change_to_requirements_alone_is_served_on_the_next_request(client):
    url = "/api/v1/status?date=2024-01-01&passport=no"
    slugs = [o["slug"] for o in client.get(url).json()["enrollment_options"]]
    assert "mitid-app" not in slugs
    option = EnrollmentOption.objects.get(slug="mitid-app")
    option.requirements.remove(Requirement.objects.get(slug="danish-passport"))
    slugs = [o["slug"] for o in client.get(url).json()["enrollment_options"]]
    assert "mitid-app" in slugs


def test_a_request_reads_the_version_and_nothing_else_while_nothing_changed(
    client, django_assert_num_queries
):
    client.get(PAGE)
    with django_assert_num_queries(1) as captured:
        assert client.get("/en/?date=2021-06-01").status_code == 200
    assert "guidance_contentversion" in captured.captured_queries[0]["sql"]


def test_the_snapshot_knows_when_the_content_last_changed():
    first = snapshot.current_content().changed_at
    assert isinstance(first, datetime)
    assert first.tzinfo is not None
    edit_elsewhere(title_en="Later")
    assert snapshot.current_content().changed_at > first


def test_the_first_edit_of_a_database_never_edited_is_served(client):
    ContentVersion.objects.all().delete()  # a database no trigger has written to yet
    assert snapshot.read_version() == 0
    assert b"can no longer be used" in client.get(PAGE).content
    edit_elsewhere(summary_en="The first edit.")  # the trigger writes version 1
    assert b"The first edit." in client.get(PAGE).content


class Broken:
    """A database call that fails as a dead server's would."""

    def __init__(self, error: Exception):
        self.error = error
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        raise self.error


class Clock:
    """This process's monotonic clock, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(snapshot, "time", clock)
    return clock


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "guidance.snapshot"]


def test_pages_are_served_from_memory_while_the_database_is_down(
    client, monkeypatch, caplog, clock
):
    assert client.get(PAGE).status_code == 200
    broken = Broken(OperationalError("connection refused"))
    monkeypatch.setattr(snapshot, "read_version", broken)
    with caplog.at_level(logging.WARNING, logger="guidance.snapshot"):
        answers = [client.get(url) for url in [PAGE, "/en/?date=2021-06-01"] * 5]
    assert [a.status_code for a in answers] == [200] * 10
    assert b"can no longer be used" in answers[0].content
    assert broken.calls == 1, "the database is left alone for RETRY_SECONDS after a failure"
    assert warnings_of(caplog) == [
        "The database does not answer (connection refused); serving the content held"
    ]


def test_a_dead_database_is_asked_again_after_retry_seconds_and_its_return_is_reported(
    client, monkeypatch, caplog, clock
):
    assert client.get(PAGE).status_code == 200
    broken = Broken(OperationalError("connection refused"))
    monkeypatch.setattr(snapshot, "read_version", broken)
    with caplog.at_level(logging.WARNING, logger="guidance.snapshot"):
        client.get(PAGE)
        clock.now += snapshot.RETRY_SECONDS - 0.001
        client.get(PAGE)
        assert broken.calls == 1
        clock.now += 0.001
        client.get(PAGE)
        assert broken.calls == 2
        monkeypatch.undo()
        monkeypatch.setattr(snapshot, "time", clock)
        edit_elsewhere(summary_en="Saved during the outage.")
        clock.now += snapshot.RETRY_SECONDS
        assert b"Saved during the outage." in client.get(PAGE).content
    assert warnings_of(caplog) == [
        "The database does not answer (connection refused); serving the content held",
        "The database answers again; serving its content",
    ]


def test_new_content_the_database_fails_to_read_leaves_the_old_served(client, monkeypatch, caplog):
    assert b"can no longer be used" in client.get(PAGE).content
    edit_elsewhere(summary_en="Not read.")
    monkeypatch.setattr(snapshot, "read_published", Broken(OperationalError("database is locked")))
    with caplog.at_level(logging.WARNING, logger="guidance.snapshot"):
        answer = client.get(PAGE)
    assert answer.status_code == 200
    assert b"can no longer be used" in answer.content
    assert warnings_of(caplog) == [
        "The database does not answer (database is locked); serving the content held"
    ]


def test_a_process_that_never_read_the_content_refuses_while_the_database_is_down(monkeypatch):
    monkeypatch.setattr(snapshot, "read_published", Broken(OperationalError("connection refused")))
    with pytest.raises(OperationalError):
        snapshot.current_content()


def test_a_new_fact_is_due_for_review_a_year_from_today():
    from datetime import date

    import time_machine

    from guidance.models import REVIEW_INTERVAL

    with time_machine.travel(date(2026, 3, 1)):
        service = SelfService.objects.create(name_en="New", name_da="Ny")
    assert service.review_by == date(2026, 3, 1) + REVIEW_INTERVAL


def test_an_edit_shows_on_the_next_request_for_another_date(client):
    old = b"NemID is closed and can no longer be used."
    assert old in client.get("/en/?date=2024-01-01").content
    closing = Milestone.objects.get(audience="citizen", date="2023-10-31")
    closing.summary_en = "NemID has closed for good."
    closing.save()
    page = client.get("/en/?date=2024-01-02").content
    body = page.split(b"<body>", 1)[1]  # the head says it too, for search engines and cards
    assert body.count(b"NemID has closed for good.") == 1  # the answer, which still applies today
    assert b"The answer above still applies today" in body
    assert old not in page


def test_a_scheduled_change_shows_at_its_moment_for_another_date(client):
    from datetime import date, timedelta

    import time_machine
    from django.utils import timezone

    from tests.factories import milestone

    moment = timezone.now() + timedelta(hours=1)
    milestone(date(2030, 1, 1), "closed", title_en="A change scheduled ahead", publish_from=moment)
    before = client.get("/en/timeline/?date=2029-06-01").content
    assert b"A change scheduled ahead" not in before
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        after = client.get("/en/timeline/?date=2029-06-02").content
        answer = client.get("/en/?date=2029-06-03").content
    assert b"A change scheduled ahead" in after
    assert b"A change scheduled ahead" in answer  # the answer box's "Next change"


def test_pages_that_show_no_content_do_not_read_it(monkeypatch):
    """The error pages and the health check answer with the database gone in a fresh process."""
    from django.db import DatabaseError
    from django.test import Client

    broken = Broken(DatabaseError("the database does not answer"))
    monkeypatch.setattr(snapshot, "read_published", broken)
    monkeypatch.setattr(snapshot, "read_version", broken)
    client = Client(
        raise_request_exception=False,
        enforce_csrf_checks=True,
        headers={"x-forwarded-proto": "https"},
    )
    assert client.get("/nowhere/").status_code == 404
    assert client.post("/admin/login/", {"username": "a", "password": "b"}).status_code == 403
    assert client.get("/healthz").status_code == 503


@pytest.mark.parametrize(
    ("offset", "held"),
    [(-1, False), (0, True), (59_999_999, True), (60_000_000, False)],
    ids=["a microsecond before it went live", "the moment it went live", "just before the next",
         "the next scheduled moment"],
)  # fmt: skip
def test_content_holds_from_the_moment_it_went_live_until_the_next_scheduled_one(offset, held):
    from datetime import timedelta

    from guidance.rules.published import Content
    from tests.clock import days_ahead

    live = days_ahead(30)
    content = Content(
        version=1,
        live_since=live,
        changed_at=live,
        valid_until=live + timedelta(minutes=1),
        milestones=(),
        options=(),
        self_services=(),
        notes=(),
    )
    assert content.holds_at(live + timedelta(microseconds=offset)) is held
