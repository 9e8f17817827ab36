"""A suspension's sessions fit its school days, the headteacher who decided is kept apart from who recorded it,
it may follow one of the pupil's incidents, and the letter to parents is a PDF only its recorders may print."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from behaviour import selectors, services
from behaviour.models import BehaviourCategory, Suspension
from core.testing.factories import PupilContactFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from organisations.models import Closure

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


world = shared_world()


def _form(world, **changes):
    data = {
        "kind": "suspension",
        "decided_by": world.senior.pk,
        "starts_on": MONDAY.isoformat(),
        "ends_on": (MONDAY + datetime.timedelta(days=1)).isoformat(),
        "sessions": 4,
        "reason": "verbal_adult",
        "details": "Swore at a teacher",
        "parents_informed": "on",
    }
    data.update(changes)
    return data


def _post(world, **changes):
    url = reverse("behaviour:suspension_create", args=[world.alice.pk])
    return client_for(world.head_of_year9).post(url, _form(world, **changes))


def _incident(world, pupil):
    return services.incident_create(
        actor=world.tutor,
        organisation=world.school,
        pupils=[pupil],
        kind="negative",
        category=BehaviourCategory.objects.get(organisation=world.school, code="defiance"),
        severity=3,
        occurred_at=timezone.make_aware(datetime.datetime(2026, 2, 27, 10, 0)),
        place="classroom",
        staff=world.tutor,
        description="Swore at the teacher",
        parents_contacted=True,
        parents_contacted_how="Phone call",
    )


def _suspension(world, **data):
    details = {
        "kind": "suspension",
        "decided_by": world.senior,
        "starts_on": MONDAY,
        "ends_on": MONDAY + datetime.timedelta(days=1),
        "sessions": 4,
        "reason": "verbal_adult",
        "details": "Swore at a teacher",
        "parents_informed": True,
        **data,
    }
    return services.suspension_create(actor=world.head_of_year9, pupil=world.alice, **details)


def test_it_refuses_more_sessions_than_the_school_days_allow(world):
    """A 2-day suspension with 7 sessions is refused on the sessions box; nothing is saved."""
    response = _post(world, sessions=7)
    assert response.status_code == 200
    assert response.context["form"].errors["sessions"] == [
        "From 02 Mar 2026 to 03 Mar 2026 there are 2 school days, so at most 4 sessions."
    ]
    assert not Suspension.objects.filter(pupil=world.alice).exists()


def test_it_accepts_sessions_within_the_dates(world):
    """Four sessions over Monday and Tuesday, or one afternoon, are accepted."""
    assert _post(world).status_code == 302
    assert _post(world, sessions=1, ends_on=MONDAY.isoformat()).status_code == 302
    assert sorted(Suspension.objects.filter(pupil=world.alice).values_list("sessions", flat=True)) == [1, 4]


def test_it_counts_only_school_days_leaving_out_weekends_and_closures(world):
    """Friday to Monday is two school days; an INSET day on the Monday leaves one; a weekend alone has none."""
    friday = MONDAY - datetime.timedelta(days=3)
    assert (
        _post(world, starts_on=friday.isoformat(), ends_on=MONDAY.isoformat(), sessions=5)
        .context["form"]
        .errors["sessions"]
    )
    Closure.objects.create(organisation=world.school, kind="inset", starts_on=MONDAY, ends_on=MONDAY)
    refused = _post(world, starts_on=friday.isoformat(), ends_on=MONDAY.isoformat(), sessions=3)
    assert "there is 1 school day, so at most 2 sessions" in refused.context["form"].errors["sessions"][0]
    weekend = _post(
        world,
        starts_on=(friday + datetime.timedelta(days=1)).isoformat(),
        ends_on=(friday + datetime.timedelta(days=2)).isoformat(),
        sessions=1,
    )
    assert "There is no school day" in weekend.context["form"].errors["ends_on"][0]
    assert not Suspension.objects.filter(pupil=world.alice).exists()


def test_it_refuses_a_change_that_leaves_too_many_sessions(world):
    """Shortening the dates without the sessions is refused too."""
    suspension = _suspension(world)
    with pytest.raises(ValidationError, match="at most 2 sessions"):
        kept = {key: getattr(suspension, key) for key in services.SUSPENSION_EDIT_FIELDS}
        services.suspension_update(
            actor=world.head_of_year9, suspension=suspension, **{**kept, "ends_on": MONDAY}
        )


def test_it_records_the_headteacher_who_decided_apart_from_the_recorder(world):
    """The senior leader chosen is the decision-maker; the head of year who entered it is the recorder."""
    response = _post(world)
    suspension = Suspension.objects.get(pupil=world.alice)
    assert response["Location"] == reverse("behaviour:suspension_detail", args=[suspension.pk])
    assert suspension.decided_by == world.senior and suspension.recorded_by == world.head_of_year9
    body = client_for(world.head_of_year9).get(response["Location"]).content.decode()
    assert "Sue Senior" in body and "Hugo Head" in body


def test_it_offers_only_the_school_s_senior_leaders_as_decision_makers(world):
    """A tutor cannot be named as having decided, nor can another school's leader; the choice is required."""
    for wrong in (world.tutor.pk, world.outsider.pk, ""):
        response = _post(world, decided_by=wrong)
        assert response.status_code == 200 and "decided_by" in response.context["form"].errors
    assert not Suspension.objects.filter(pupil=world.alice).exists()


def test_it_links_the_suspension_to_the_pupil_s_incident(world):
    """The incident offered is the pupil's own; another pupil's incident is refused."""
    own = _incident(world, world.alice)
    other = _incident(world, world.ben)
    assert _post(world, incident=own.pk).status_code == 302
    assert Suspension.objects.get(pupil=world.alice).incident == own
    refused = _post(world, incident=other.pk)
    assert "incident" in refused.context["form"].errors
    with pytest.raises(ValidationError, match="this pupil's behaviour log"):
        _suspension(world, incident=other)


def test_it_prints_the_letter_to_parents_and_audits_it(world):
    """The head of year gets a PDF; the export is in the audit log."""
    suspension = _suspension(world)
    response = client_for(world.head_of_year9).get(
        reverse("behaviour:suspension_letter", args=[suspension.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_type__icontains="suspension", object_id=str(suspension.pk)
    ).exists()


def test_it_addresses_the_letter_to_parents_the_school_may_contact(world):
    """Those with parental responsibility are named; a contact marked no contact never is; the day back is the next
    school day."""
    barred = PupilContactFactory(pupil=world.alice, no_contact=True)
    suspension = _suspension(
        world, starts_on=MONDAY + datetime.timedelta(days=3), ends_on=MONDAY + datetime.timedelta(days=4)
    )
    context = selectors.letter_context(suspension, today=MONDAY)
    names = [str(c) for c in context["recipients"]]
    assert names and str(barred.contact) not in names
    assert context["returns_on"] == MONDAY + datetime.timedelta(days=7)


@outsider_test("behaviour:suspension_letter")
def test_it_hides_the_letter_from_another_school_with_404(world):
    """Another school's senior leader cannot print it."""
    suspension = _suspension(world)
    assert_outsider_404(
        client_for(world.outsider), reverse("behaviour:suspension_letter", args=[suspension.pk])
    )


def test_it_refuses_the_letter_to_a_tutor_with_403(world):
    """The pupil's tutor sees the suspension but may not print the letter."""
    suspension = _suspension(world)
    url = reverse("behaviour:suspension_letter", args=[suspension.pk])
    assert client_for(world.tutor).get(url).status_code == 403
    assert (
        client_for(world.tutor).get(reverse("behaviour:suspension_detail", args=[suspension.pk])).status_code
        == 200
    )
