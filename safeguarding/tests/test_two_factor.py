"""Two-factor sign-in for every role that can open safeguarding records (issue 13): the DSL team, the PAL (who
signposts and follows up their own referrals) and every role the DSL may show the child-protection flag to. Staff
who only log a concern see only their own concern's receipt and are not forced to TOTP (docs/security.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import TWO_FACTOR_ROLES, Role
from core.testing.personas import build_school_world, client_for
from safeguarding import selectors, services
from safeguarding.models import SafeguardingSettings
from safeguarding.permissions import DSL_TEAM_ROLES

pytestmark = pytest.mark.django_db

FLAG = 'class="tag tag--warn" title="Child protection status'


def test_it_requires_a_second_factor_of_every_role_that_reads_safeguarding_records():
    """The DSL, deputies and DSOs (DEPUTY_DSL), the PAL (signposting, their own referrals) and every flag role."""
    readers = set(DSL_TEAM_ROLES) | {Role.PAL} | {value for value, _ in selectors.FLAG_ROLE_CHOICES}
    assert {Role.DSL, Role.DEPUTY_DSL} <= readers
    assert readers <= TWO_FACTOR_ROLES


def test_it_never_shows_the_flag_to_a_role_without_a_second_factor():
    """A tutor saved as a flag role before the rule is ignored, and the settings form no longer offers it."""
    world = build_school_world()
    services.status_set(actor=world.dsl, pupil=world.alice, status="cp_plan", starts_on=timezone.localdate())
    SafeguardingSettings.objects.create(organisation=world.school, flag_roles=[Role.TUTOR, Role.HEAD_OF_YEAR])
    assert selectors.flag_roles(world.school.pk) == {Role.HEAD_OF_YEAR}
    profile = reverse("people:pupil_detail", args=[world.alice.pk])
    assert FLAG not in client_for(world.tutor).get(profile).content.decode()
    response = client_for(world.dsl).post(reverse("safeguarding:settings"), {"flag_roles": [Role.TUTOR]})
    assert "is not one of the available choices" in response.content.decode()
    assert selectors.flag_roles(world.school.pk) == {Role.HEAD_OF_YEAR}
