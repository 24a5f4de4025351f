"""The content version no write can bypass, and reads that fail open when a part does not answer."""

import logging
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError, OperationalError, connection
from django.test import Client
from django.utils import timezone

from guidance import snapshot as content
from guidance.models import ContentVersion, EnrollmentOption, Milestone, Requirement, SelfService
from guidance.publishing.triggers import guarded_tables
from tests.factories import milestone
from tests.pages.test_speed import edit_elsewhere

pytestmark = pytest.mark.django_db

PAGE = "/en/?date=2024-01-01"


def content_tables() -> set[str]:
    """Every table of the guidance app that holds published content: each model that is not a
    history record nor the version itself, and each many-to-many link between them."""
    tables = set()
    for model in apps.get_app_config("guidance").get_models():
        if model is ContentVersion or model.__name__.startswith("Historical"):
            continue
        tables.add(model._meta.db_table)
        tables.update(
            field.remote_field.through._meta.db_table for field in model._meta.many_to_many
        )
    return tables


def version() -> int:
    return content.database_version()[0]


def next_check_is_due() -> None:
    """As if VERSION_CHECK_SECONDS had passed in this process."""
    content._checked_at -= content.VERSION_CHECK_SECONDS


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


def test_a_queryset_update_elsewhere_is_served_at_the_next_check(client):
    assert b"can no longer be used" in client.get(PAGE).content
    Milestone.objects.filter(audience="citizen", date="2023-10-31").update(
        summary_en="Changed by QuerySet.update."
    )
    next_check_is_due()
    assert b"Changed by QuerySet.update." in client.get(PAGE).content


def test_a_bulk_created_self_service_is_served_at_the_next_check(client):
    assert b"Report a lost key card" not in client.get(PAGE).content
    SelfService.objects.bulk_create([SelfService(name_en="Report a lost key card", name_da="X")])
    next_check_is_due()
    assert b"Report a lost key card" in client.get(PAGE).content


def test_a_change_to_requirements_alone_is_served_on_the_next_request(
    client, django_capture_on_commit_callbacks
):
    url = "/api/v1/status?date=2024-01-01&passport=no"
    slugs = [o["slug"] for o in client.get(url).json()["enrollment_options"]]
    assert "mitid-app" not in slugs
    option = EnrollmentOption.objects.get(slug="mitid-app")
    with django_capture_on_commit_callbacks(execute=True):
        option.requirements.remove(Requirement.objects.get(slug="danish-passport"))
    slugs = [o["slug"] for o in client.get(url).json()["enrollment_options"]]
    assert "mitid-app" in slugs


def test_the_snapshot_knows_when_the_content_last_changed():
    first = content.current_content().changed_at
    assert isinstance(first, datetime)
    assert first.tzinfo is not None
    Milestone.objects.filter(date="2023-10-31").update(title_en="Later")
    next_check_is_due()
    assert content.current_content().changed_at > first


class Broken:
    """A cache or database call that fails as a dead server's would."""

    def __init__(self, error: Exception):
        self.error = error
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        raise self.error


@pytest.fixture
def shared_cache(monkeypatch):
    """This process's cache treated as a shared one (Redis in production)."""
    monkeypatch.setattr(content, "cache_is_shared", lambda: True)


def test_pages_are_served_from_memory_while_the_shared_cache_is_down(
    client, shared_cache, monkeypatch, caplog
):
    assert client.get(PAGE).status_code == 200
    broken = Broken(ConnectionError("Connection refused"))
    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    with caplog.at_level(logging.WARNING, logger="guidance.snapshot"):
        answers = [client.get(url) for url in [PAGE, "/en/?date=2022-01-01"] * 5]
    assert [a.status_code for a in answers] == [200] * 10
    assert broken.calls == 1, "the dead cache is left alone for RETRY_SECONDS"
    warnings = [r for r in caplog.records if "does not answer" in r.getMessage()]
    assert len(warnings) == 1, "one warning an outage, not one a request"


def test_pages_are_served_from_memory_while_the_database_is_down(client, monkeypatch, caplog):
    assert client.get(PAGE).status_code == 200
    broken = Broken(OperationalError("connection refused"))
    monkeypatch.setattr(content, "database_version", broken)
    monkeypatch.setattr(content, "load_content", broken)
    with caplog.at_level(logging.WARNING, logger="guidance.snapshot"):
        for _ in range(5):
            next_check_is_due()
            assert client.get(PAGE).status_code == 200
            assert client.get("/en/?date=2021-06-01").status_code == 200
    assert broken.calls == 1
    assert len([r for r in caplog.records if "does not answer" in r.getMessage()]) == 1


def outage_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "guidance.snapshot"]


def test_an_outage_is_reported_once_naming_the_service_and_the_error(
    client, shared_cache, monkeypatch, caplog
):
    assert client.get(PAGE).status_code == 200
    monkeypatch.setattr(cache, "get", Broken(ConnectionError("Connection refused")))
    next_check_is_due()
    broken_database = Broken(OperationalError("connection refused"))
    monkeypatch.setattr(content, "database_version", broken_database)
    with caplog.at_level(logging.WARNING, logger="guidance.snapshot"):
        assert client.get(PAGE).status_code == 200
    assert outage_warnings(caplog) == [
        "The shared cache does not answer (ConnectionError: Connection refused); serving the "
        f"content held in memory, asking again every {content.RETRY_SECONDS} s",
        "The database does not answer (OperationalError: connection refused); serving the "
        f"content held in memory, asking again every {content.RETRY_SECONDS} s",
    ]


def test_an_edit_the_shared_cache_did_not_take_is_reported_without_asking_it_again(
    client, shared_cache, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    assert client.get(PAGE).status_code == 200
    broken = Broken(ConnectionError("Connection refused"))
    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    milestone = Milestone.objects.get(audience="citizen", date="2023-10-31")
    milestone.summary_en = "Saved while the cache was down."
    with caplog.at_level(logging.WARNING, logger="guidance.snapshot"):
        assert client.get(PAGE).status_code == 200  # the outage starts here
        with django_capture_on_commit_callbacks(execute=True):
            milestone.save()
    assert broken.calls == 1, "the dead cache is left alone for RETRY_SECONDS"
    assert outage_warnings(caplog)[1:] == [
        f"Content version {version()} is saved but the shared cache did not take it; other "
        f"processes see the edit within {content.VERSION_CHECK_SECONDS} s"
    ]


def test_an_edit_whose_version_cannot_be_read_back_is_reported(
    client, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    milestone = Milestone.objects.get(audience="citizen", date="2023-10-31")
    milestone.summary_en = "Saved."
    monkeypatch.setattr(content, "database_version", Broken(OperationalError("disk I/O error")))
    with (
        caplog.at_level(logging.WARNING, logger="guidance.snapshot"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        milestone.save()  # committed; only reading the new version back failed
    assert outage_warnings(caplog) == [
        "The database does not answer (OperationalError: disk I/O error); serving the content "
        f"held in memory, asking again every {content.RETRY_SECONDS} s"
    ]


def test_an_edit_the_shared_cache_took_is_not_reported(
    client, shared_cache, caplog, django_capture_on_commit_callbacks
):
    milestone = Milestone.objects.get(audience="citizen", date="2023-10-31")
    milestone.summary_en = "Saved."
    with (
        caplog.at_level(logging.WARNING, logger="guidance.snapshot"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        milestone.save()
    assert outage_warnings(caplog) == []
    assert cache.get(content.VERSION_KEY) == version()


def test_an_edit_is_served_by_its_own_process_on_the_next_request_with_a_shared_cache(
    client, shared_cache, django_capture_on_commit_callbacks
):
    assert client.get(PAGE).status_code == 200
    milestone = Milestone.objects.get(audience="citizen", date="2023-10-31")
    milestone.summary_en = "Saved and served at once."
    with django_capture_on_commit_callbacks(execute=True):
        milestone.save()
    response = client.get(PAGE)  # before the next database check is due
    assert response.status_code == 200
    assert "Saved and served at once." in response.content.decode()


def test_an_edit_the_shared_cache_refused_is_reported_with_its_error(
    client, shared_cache, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(cache, "set", Broken(TimeoutError("timed out")))
    milestone = Milestone.objects.get(audience="citizen", date="2023-10-31")
    milestone.summary_en = "Saved."
    with (
        caplog.at_level(logging.WARNING, logger="guidance.snapshot"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        milestone.save()
    assert outage_warnings(caplog) == [
        "The shared cache does not answer (TimeoutError: timed out); serving the content held "
        f"in memory, asking again every {content.RETRY_SECONDS} s",
        f"Content version {version()} is saved but the shared cache did not take it; other "
        f"processes see the edit within {content.VERSION_CHECK_SECONDS} s",
    ]


def test_a_version_the_cache_missed_is_put_back_when_it_answers_again(
    client, shared_cache, monkeypatch, django_capture_on_commit_callbacks
):
    client.get(PAGE)
    milestone = Milestone.objects.get(audience="citizen", date="2023-10-31")
    milestone.summary_en = "Saved while the cache was down."
    with monkeypatch.context() as outage:
        outage.setattr(cache, "set", Broken(ConnectionError("Connection refused")))
        with django_capture_on_commit_callbacks(execute=True):
            milestone.save()  # does not raise: the version is in the database
    assert cache.get(content.VERSION_KEY) < version()
    content.shared_cache.retry_at = 0  # the retry interval has passed
    assert b"Saved while the cache was down." in client.get(PAGE).content
    assert cache.get(content.VERSION_KEY) == version()


def test_a_higher_version_in_the_cache_than_the_database_is_corrected(client, shared_cache):
    client.get(PAGE)
    cache.set(content.VERSION_KEY, version() + 1000)  # for example from a restored backup
    next_check_is_due()
    assert client.get(PAGE).status_code == 200
    assert cache.get(content.VERSION_KEY) == version()


def test_a_foreign_value_under_the_version_key_is_replaced(client, shared_cache):
    cache.set(content.VERSION_KEY, "6@1700000000.0/3@0")  # an older release's fingerprint
    assert client.get(PAGE).status_code == 200
    assert cache.get(content.VERSION_KEY) == version()


def test_a_new_fact_is_due_for_review_a_year_from_today():
    from datetime import date

    import time_machine

    from guidance.models import REVIEW_INTERVAL

    with time_machine.travel(date(2026, 3, 1)):
        service = SelfService.objects.create(name_en="New", name_da="Ny")
    assert service.review_by == date(2026, 3, 1) + REVIEW_INTERVAL


def test_an_edit_another_process_published_is_served_on_the_next_request(client, shared_cache):
    assert b"can no longer be used" in client.get(PAGE).content
    edit_elsewhere(summary_en="Published by another process.")
    cache.set(content.VERSION_KEY, version())  # what that process's content_changed does
    assert b"Published by another process." in client.get(PAGE).content
    assert cache.get(content.VERSION_KEY) == version()


def test_a_version_the_shared_cache_lost_is_put_back_on_the_next_request(client, shared_cache):
    client.get(PAGE)
    cache.delete(content.VERSION_KEY)  # expired, evicted, or a restarted Redis
    assert client.get(PAGE).status_code == 200
    assert cache.get(content.VERSION_KEY) == version()


def test_a_lower_version_in_the_shared_cache_is_put_back_between_database_checks(
    client, shared_cache
):
    client.get(PAGE)
    cache.set(content.VERSION_KEY, version() - 1)  # a slower process's late write, say
    assert client.get(PAGE).status_code == 200
    assert cache.get(content.VERSION_KEY) == version()


def test_a_foreign_value_under_the_version_key_is_replaced_between_database_checks(
    client, shared_cache
):
    client.get(PAGE)
    cache.set(content.VERSION_KEY, "6@1700000000.0/3@0")  # an older release's fingerprint
    assert client.get(PAGE).status_code == 200
    assert cache.get(content.VERSION_KEY) == version()


def test_the_first_edit_of_a_database_never_edited_is_served(client):
    ContentVersion.objects.all().delete()  # a database no trigger has written to yet
    assert content.database_version() == (0, None)
    assert b"can no longer be used" in client.get(PAGE).content
    edit_elsewhere(summary_en="The first edit.")  # the trigger writes version 1
    next_check_is_due()
    assert b"The first edit." in client.get(PAGE).content


def test_new_content_the_database_fails_to_load_leaves_the_old_served(client, monkeypatch, caplog):
    assert b"can no longer be used" in client.get(PAGE).content
    edit_elsewhere(summary_en="Not loaded.")
    next_check_is_due()  # the version check answers; reading the content then fails
    monkeypatch.setattr(content, "load_content", Broken(OperationalError("database is locked")))
    with caplog.at_level(logging.WARNING, logger="guidance.snapshot"):
        answer = client.get(PAGE)
    assert answer.status_code == 200
    assert b"can no longer be used" in answer.content
    assert outage_warnings(caplog) == [
        "The database does not answer (OperationalError: database is locked); serving the "
        f"content held in memory, asking again every {content.RETRY_SECONDS} s"
    ]


class Clock:
    """This process's monotonic clock, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(content, "time", clock)
    return clock


def test_an_edit_no_cache_announced_is_served_once_version_check_seconds_have_passed(client, clock):
    assert b"can no longer be used" in client.get(PAGE).content
    edit_elsewhere(summary_en="Checked for.")
    clock.now += content.VERSION_CHECK_SECONDS - 0.001
    assert b"can no longer be used" in client.get(PAGE).content
    clock.now += 0.001
    assert b"Checked for." in client.get(PAGE).content


def test_a_dead_cache_is_asked_again_after_retry_seconds_and_its_return_is_reported(
    client, shared_cache, clock, monkeypatch, caplog
):
    client.get(PAGE)
    broken = Broken(ConnectionError("Connection refused"))
    with caplog.at_level(logging.WARNING, logger="guidance.snapshot"):
        with monkeypatch.context() as outage:
            outage.setattr(cache, "get", broken)
            client.get(PAGE)
            clock.now += content.RETRY_SECONDS - 0.001
            client.get(PAGE)
            assert broken.calls == 1
            clock.now += 0.001
            client.get(PAGE)
            assert broken.calls == 2
        clock.now += content.RETRY_SECONDS + 0.5
        client.get(PAGE)
    assert outage_warnings(caplog)[1:] == ["The shared cache answers again after 2.5 s"]


@pytest.mark.parametrize("database_answers", [True, False], ids=["answers", "fails"])
def test_a_request_waits_for_a_dead_cache_at_most_once_even_with_a_slow_database(
    client, shared_cache, clock, monkeypatch, database_answers
):
    """Each wait costs the cache's timeout: one a request at most, however long the database
    takes (here as long as the cache's retry interval)."""
    client.get(PAGE)
    broken = Broken(ConnectionError("Connection refused"))
    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    answer = content.database_version

    def slow_database():
        clock.now += content.RETRY_SECONDS
        if not database_answers:
            raise OperationalError("timed out")
        return answer()

    monkeypatch.setattr(content, "database_version", slow_database)
    next_check_is_due()
    assert client.get(PAGE).status_code == 200
    assert broken.calls == 1


def test_after_a_cache_outage_no_version_is_published_before_the_database_answers(
    client, shared_cache, clock, monkeypatch
):
    """Versions published during the outage were lost: this process's may be old, so the
    cache gets the database's once it answers, and nothing before."""
    client.get(PAGE)
    with monkeypatch.context() as outage:
        outage.setattr(cache, "get", Broken(ConnectionError("Connection refused")))
        client.get(PAGE)  # the outage starts
        edit_elsewhere(summary_en="Saved during the outage.")
    cache.clear()  # the cache comes back empty (a restarted Redis)
    database_version = content.database_version
    monkeypatch.setattr(content, "database_version", Broken(OperationalError("timed out")))
    clock.now += content.RETRY_SECONDS
    assert client.get(PAGE).status_code == 200
    assert cache.get(content.VERSION_KEY) is None
    monkeypatch.setattr(content, "database_version", database_version)
    clock.now += content.RETRY_SECONDS
    assert b"Saved during the outage." in client.get(PAGE).content
    assert cache.get(content.VERSION_KEY) == version()


def test_forgetting_the_cached_content_drops_the_shared_version_even_with_the_cache_down(
    monkeypatch,
):
    # What every test and benchmark that starts cold relies on.
    cache.set(content.VERSION_KEY, 41)
    content.forget_cached_content()
    assert cache.get(content.VERSION_KEY) is None
    broken = Broken(ConnectionError("Connection refused"))
    monkeypatch.setattr(cache, "delete", broken)
    content.forget_cached_content()  # a cache that does not answer holds nothing to forget
    assert broken.calls == 1


def test_an_edit_shows_on_the_next_request_for_another_date(
    client, django_capture_on_commit_callbacks
):
    old = b"NemID is closed and can no longer be used."
    assert old in client.get("/en/?date=2024-01-01").content
    closing = Milestone.objects.get(audience="citizen", date="2023-10-31")
    closing.summary_en = "NemID has closed for good."
    with django_capture_on_commit_callbacks(execute=True):
        closing.save()
    page = client.get("/en/?date=2024-01-02").content
    assert page.count(b"NemID has closed for good.") == 2  # the answer, and what to do now
    assert old not in page


def test_a_scheduled_change_shows_at_its_moment_for_another_date(client):
    moment = timezone.now() + timedelta(hours=1)
    milestone(date(2030, 1, 1), "closed", title_en="A change scheduled ahead", publish_from=moment)
    before = client.get("/en/timeline/?date=2029-06-01").content
    assert b"A change scheduled ahead" not in before
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        after = client.get("/en/timeline/?date=2029-06-02").content
        answer = client.get("/en/?date=2029-06-03").content
    assert b"A change scheduled ahead" in after
    assert b"A change scheduled ahead" in answer  # the answer box's "Next change"


def test_pages_that_show_no_content_do_not_load_it(monkeypatch):
    """The error pages and the health check answer with the database gone in a fresh process."""

    def no_database():
        raise DatabaseError("the database does not answer")

    monkeypatch.setattr(content, "load_content", no_database)
    monkeypatch.setattr(content, "database_version", no_database)
    client = Client(
        raise_request_exception=False,
        enforce_csrf_checks=True,
        headers={"x-forwarded-proto": "https"},
    )
    assert client.get("/nowhere/").status_code == 404
    assert client.post("/admin/login/", {"username": "a", "password": "b"}).status_code == 403
    assert client.get("/healthz").status_code == 503
