"""A child's file for the DSL team: the chronology (filter, PDF), entries, status and its flag, who has viewed it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from audit.models import AuditEvent
from behaviour.services import suspension_create
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from safeguarding import selectors, services
from safeguarding.models import ChronologyEntry, ProtectionStatus
from support_plans.tests.helpers import open_plan

from .helpers import concern_data, decide, stepped_up

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)  # a Monday
FILE_PAGES = ("chronology", "chronology_pdf", "viewers", "status")


world = shared_world()


def _at(days: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(DAY + datetime.timedelta(days=days), datetime.time(10))
    )


def _file(world):
    concern = services.concern_log(
        actor=world.tutor, pupil=world.alice, **concern_data(happened_at=_at(0)), now=_at(0)
    )
    decide(world, concern, now=_at(1))
    services.entry_add(
        actor=world.dsl,
        pupil=world.alice,
        kind="contact",
        occurred_on=DAY - datetime.timedelta(days=3),
        summary="Mum",
    )
    services.status_set(
        actor=world.dsl, pupil=world.alice, status="cin", starts_on=DAY + datetime.timedelta(days=5)
    )
    return concern


def test_it_orders_the_chronology_by_date_and_filters_by_kind(world):
    """Contact (day -3), concern (day 0), decision (day 1), status (day 5), in that order; a filter keeps one kind."""
    _file(world)
    kinds = [e.kind for e in selectors.chronology(world.alice)]
    assert kinds == ["entry", "concern", "decision", "status"]
    assert [e.kind for e in selectors.chronology(world.alice, {"decision"})] == ["decision"]


def test_it_pulls_suspensions_and_support_plans_from_other_apps(world):
    """A suspension from behaviour and a PSP from support plans appear, read-only, on the chronology."""
    suspension_create(
        actor=world.head_of_year9,
        pupil=world.alice,
        kind="suspension",
        starts_on=DAY,
        ends_on=DAY,
        sessions=2,
        reason="verbal_adult",
        details="Swore",
    )
    open_plan(world)
    kinds = {e.kind for e in selectors.chronology(world.alice)}
    assert {"suspension", "psp"} <= kinds


def test_it_shows_the_chronology_and_its_pdf_to_the_dsl(world):
    """The DSL sees the entries; the PDF downloads; both reads are audited."""
    _file(world)
    client = stepped_up(world.dsl)
    page = client.get(
        reverse("safeguarding:chronology", args=[world.alice.pk]) + "?kind=entry"
    ).content.decode()
    assert "Mum" in page and "Watch." not in page
    pdf = client.get(reverse("safeguarding:chronology_pdf", args=[world.alice.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    notes = set(AuditEvent.objects.filter(action="read", actor=world.dsl).values_list("note", flat=True))
    assert {"safeguarding: chronology", "safeguarding: chronology PDF"} <= notes


def test_it_adds_an_entry_and_refuses_one_without_a_summary(world):
    """A contact is added to the chronology; a blank summary is refused with the form shown again."""
    client = stepped_up(world.dsl)
    url = reverse("safeguarding:entry_add", args=[world.alice.pk])
    bad = client.post(url, {"kind": "contact", "occurred_on": DAY.isoformat(), "summary": ""})
    assert bad.status_code == 400 and not ChronologyEntry.objects.exists()
    client.post(url, {"kind": "meeting", "occurred_on": DAY.isoformat(), "summary": "Strategy meeting"})
    assert ChronologyEntry.objects.get().summary == "Strategy meeting"


@pytest.mark.parametrize("persona", ["tutor", "senior", "head_of_year9", "senco", "pal"])
def test_it_refuses_the_file_to_everyone_outside_the_dsl_team(world, persona):
    """The tutor (who logged the concern), a senior leader and the others get 403 on every file page."""
    _file(world)
    client = stepped_up(getattr(world, persona))
    for name in FILE_PAGES:
        assert client.get(reverse(f"safeguarding:{name}", args=[world.alice.pk])).status_code == 403, name
    assert client.post(reverse("safeguarding:entry_add", args=[world.alice.pk])).status_code == 403


@outsider_test(*(f"safeguarding:{name}" for name in (*FILE_PAGES, "entry_add")))
def test_it_hides_the_file_from_another_school(world):
    """Olive, even as Riverside's DSL, gets 404 on every page of Alice's file."""
    from core.testing.factories import RoleFactory

    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    client = stepped_up(world.outsider)
    for name in FILE_PAGES:
        assert_outsider_404(client, reverse(f"safeguarding:{name}", args=[world.alice.pk]))
    assert_outsider_404(client, reverse("safeguarding:entry_add", args=[world.alice.pk]), "post")


def test_it_lists_who_has_viewed_the_file(world):
    """The viewers page lists the DSL's reads of the concern and the chronology, and not other children's."""
    concern = _file(world)
    client = stepped_up(world.dsl)
    client.get(reverse("safeguarding:concern_detail", args=[concern.pk]))
    client.get(reverse("safeguarding:chronology", args=[world.alice.pk]))
    client.get(reverse("safeguarding:chronology", args=[world.ben.pk]))
    events = list(selectors.file_viewers(world.alice))
    assert {e.note for e in events} >= {"safeguarding: concern opened", "safeguarding: chronology"}
    assert all(e.object_id != str(world.ben.pk) or e.object_type != "people.Pupil" for e in events)
    page = client.get(reverse("safeguarding:viewers", args=[world.alice.pk])).content.decode()
    assert (
        "Dee Lead" in page and "dee@oakfield.test" in page
    )  # the name, and the address that identifies them


def test_it_keeps_status_history_and_knows_the_current_status(world):
    """CP plan from day 0, then 'previously on a plan' from day 30: the current status follows the date."""
    services.status_set(actor=world.dsl, pupil=world.alice, status="cp_plan", starts_on=DAY)
    services.status_set(
        actor=world.dsl,
        pupil=world.alice,
        status="previous_plan",
        starts_on=DAY + datetime.timedelta(days=30),
    )
    assert selectors.current_status(world.alice, DAY + datetime.timedelta(days=1)).status == "cp_plan"
    assert selectors.current_status(world.alice, DAY + datetime.timedelta(days=31)).status == "previous_plan"
    assert selectors.current_status(world.alice, DAY - datetime.timedelta(days=1)) is None
    assert ProtectionStatus.objects.filter(pupil=world.alice).count() == 2


def test_it_shows_the_flag_only_to_the_roles_the_school_chose(world):
    """By default only the DSL sees the CP flag on the profile; once the DSL ticks heads of year, Hugo sees it."""
    services.status_set(actor=world.dsl, pupil=world.alice, status="cp_plan", starts_on=timezone.localdate())
    profile = reverse("people:pupil_detail", args=[world.alice.pk])
    flag = 'class="tag tag--warn" title="Child protection status'
    assert flag in client_for(world.dsl).get(profile).content.decode()
    assert flag not in client_for(world.head_of_year9).get(profile).content.decode()
    assert flag not in client_for(world.senior).get(profile).content.decode()
    client_for(world.dsl).post(reverse("safeguarding:settings"), {"flag_roles": [Role.HEAD_OF_YEAR]})
    assert flag in client_for(world.head_of_year9).get(profile).content.decode()
    assert flag not in client_for(world.senior).get(profile).content.decode()
    readers = {e.actor_id for e in selectors.file_viewers(world.alice)}
    assert readers == {world.dsl.pk, world.head_of_year9.pk}  # each sight of the flag is an audited read


def test_it_lets_only_the_dsl_choose_who_sees_the_flag(world):
    """The senior leader and a deputy get 403 on the flag settings."""
    assert client_for(world.senior).get(reverse("safeguarding:settings")).status_code == 403
