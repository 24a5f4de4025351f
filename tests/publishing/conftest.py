"""What the publishing tests share: an editor (the Editors group) logged in with ``client``."""

import pytest
from django.contrib.auth.models import Group, User


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="a-long-test-password-2", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client
