"""Staff keep the facts current in the admin; the rules hold there as everywhere."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType

from guidance.models import Milestone
from tests.conftest import answer_status

pytestmark = pytest.mark.django_db


# The milestone's fields on the admin change form, as the admin posts them.
MILESTONE_FIELDS = [
    "date",
    "audience",
    "status",
    "published",
    "source_url",
    "title_en",
    "summary_en",
    "what_to_do_en",
    "date_note_en",
    "title_da",
    "summary_da",
    "what_to_do_da",
    "date_note_da",
]


def milestone_form(milestone: Milestone, **changes) -> dict:
    """The admin change form's fields for ``milestone``, with ``changes`` applied."""
    data = {name: getattr(milestone, name) for name in MILESTONE_FIELDS}
    data["date"] = milestone.date.isoformat()
    data.update(changes)
    if not data["published"]:
        data.pop("published")
    return data


@pytest.fixture
def staff_client(client):
    admin = User.objects.create_superuser("admin", "admin@example.org", "a-long-test-password-1")
    client.force_login(admin)
    return client


@pytest.fixture
def editor_client(client):
    editor = User.objects.create_user("editor", password="a-long-test-password-2", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


def closing() -> Milestone:
    return Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/admin/guidance/milestone/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_user_who_is_not_staff_cannot_use_the_admin(client):
    user = User.objects.create_user("citizen", password="a-long-test-password-3")
    client.force_login(user)
    response = client.get("/admin/guidance/milestone/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_see_the_milestones_with_filters_and_search(staff_client):
    response = staff_client.get("/admin/guidance/milestone/", {"q": "closes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "NemID closes" in html
    assert "By audience" in html


def test_a_staff_edit_shows_on_the_public_page_at_once(
    staff_client, django_capture_on_commit_callbacks
):
    before = staff_client.get("/en/", {"date": "2023-11-01"}).content.decode()
    assert "NemID is closed and can no longer be used" in before
    milestone = closing()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/guidance/milestone/{milestone.pk}/change/",
            milestone_form(milestone, summary_en="NemID has closed for good."),
        )
    assert response.status_code == 302
    after = staff_client.get("/en/", {"date": "2023-11-01"}).content.decode()
    assert "NemID has closed for good." in after


def test_unpublishing_a_milestone_in_the_admin_changes_the_answer(staff_client):
    milestone = closing()
    staff_client.post(
        f"/admin/guidance/milestone/{milestone.pk}/change/",
        milestone_form(milestone, published=False),
    )
    assert answer_status(staff_client.get("/en/", {"date": "2024-01-01"})) == "limited"


def test_two_milestones_for_one_audience_on_one_day_are_refused(staff_client):
    milestone = closing()
    data = milestone_form(milestone, status="closed", title_en="Duplicate")
    response = staff_client.post("/admin/guidance/milestone/add/", data)
    assert response.status_code == 200
    assert "This audience already has a milestone on that day." in response.content.decode()
    assert Milestone.objects.filter(title_en="Duplicate").count() == 0


def test_a_closed_before_an_active_is_refused(staff_client):
    data = milestone_form(closing(), date="2005-01-01", title_en="Too early")
    response = staff_client.post("/admin/guidance/milestone/add/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "contradicts" in html
    assert "only moves forward" in html
    assert not Milestone.objects.filter(title_en="Too early").exists()


def test_an_active_after_the_closing_is_refused(staff_client):
    data = milestone_form(closing(), date="2025-01-01", status="active", title_en="Reopened")
    response = staff_client.post("/admin/guidance/milestone/add/", data)
    assert "contradicts" in response.content.decode()
    assert not Milestone.objects.filter(title_en="Reopened").exists()


def test_a_consistent_new_milestone_is_accepted(staff_client):
    data = milestone_form(closing(), date="2025-01-01", title_en="Still closed")
    response = staff_client.post("/admin/guidance/milestone/add/", data)
    assert response.status_code == 302
    assert Milestone.objects.filter(title_en="Still closed").exists()


def test_view_on_site_opens_the_advice_for_the_milestones_day(staff_client):
    milestone = closing()
    content_type = ContentType.objects.get_for_model(Milestone)
    response = staff_client.get(f"/admin/r/{content_type.pk}/{milestone.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith("/en/?date=2023-10-31")


def test_view_on_site_for_a_business_milestone_keeps_the_audience():
    milestone = Milestone.objects.get(audience="business", date=date(2023, 10, 31))
    assert milestone.get_absolute_url() == "/en/?date=2023-10-31&audience=business"


def test_an_editor_can_change_content(editor_client):
    milestone = closing()
    response = editor_client.post(
        f"/admin/guidance/milestone/{milestone.pk}/change/",
        milestone_form(milestone, title_en="NemID closes for good"),
    )
    assert response.status_code == 302
    assert closing().title_en == "NemID closes for good"


def test_an_editor_cannot_delete_content_so_nothing_is_lost_for_good(editor_client):
    milestone = closing()
    response = editor_client.post(
        f"/admin/guidance/milestone/{milestone.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_an_editor_cannot_manage_users(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403
