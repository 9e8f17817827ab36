"""Who reads which statistics: outsider 404, wrong role 403, each role its own scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_it_refuses_roles_without_the_dashboard(world):
    for user in (world.tutor, world.admin, world.cpd_coordinator):
        assert client_for(user).get(reverse("insights:dashboard")).status_code == 403


def test_it_refuses_a_year_or_group_outside_the_role(world):
    hugo = client_for(world.head_of_year9)
    assert hugo.get(reverse("insights:dashboard"), {"year": "10"}).status_code == 403
    assert hugo.get(reverse("insights:group", args=[world.group_10a.pk])).status_code == 403
    assert client_for(world.tutor).get(reverse("insights:group", args=[world.group_9a.pk])).status_code == 403


@outsider_test("insights:group")
def test_it_hides_another_schools_group(world):
    assert_outsider_404(client_for(world.outsider), reverse("insights:group", args=[world.group_9a.pk]))


def test_the_outsider_sees_only_their_own_school(world):
    response = client_for(world.outsider).get(reverse("insights:dashboard"))
    assert response.status_code == 200
    assert response.context["headline"]["students"] == 1  # Rory
    assert (
        client_for(world.outsider)
        .get(reverse("insights:dashboard"), {"group": world.group_9a.pk})
        .status_code
        == 404
    )
