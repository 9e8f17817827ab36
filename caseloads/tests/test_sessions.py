"""The tutorial programme and group sessions: entitlement arithmetic on hand-computed cases, planning and recording
(attendance prefilled from the group), the iCal feed, and who may do what."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from caseloads import selectors, services
from caseloads.models import CaseloadSettings, GroupSession, SessionAttendance, Topic
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 18)  # a Wednesday in the 2026-27 year
NINE, TEN = datetime.time(9, 0), datetime.time(10, 0)


world = shared_world(at=datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC))


def _plan(world, day, group=None):
    return services.session_plan(
        actor=world.pal, group=group or world.group_9a, date=day, starts_at=NINE, ends_at=TEN, room="B12"
    )


def _record(world, session, attended):
    return services.session_record(
        actor=world.pal,
        session=session,
        attended_ids=set(attended),
        member_ids=[world.alice.pk, world.ben.pk],
    )


def test_it_counts_planned_delivered_missed_and_the_gap_by_hand(world):
    _record(world, _plan(world, datetime.date(2026, 11, 4)), [world.alice.pk])  # delivered
    _plan(world, datetime.date(2026, 11, 11))  # its day passed unrecorded: missed
    _plan(world, TODAY)  # today, not yet recorded: still planned
    _plan(world, datetime.date(2026, 11, 25))  # planned
    services.session_cancel(
        actor=world.pal, session=_plan(world, datetime.date(2026, 12, 2))
    )  # counts nowhere
    _plan(world, datetime.date(2026, 11, 12), group=world.group_10a)  # another group's
    rows = {r["group"].name: r for r in selectors.entitlement([world.group_9a, world.group_10a], TODAY)}
    nine_a = rows["9A"]
    # entitlement 8 − delivered 1 − planned 2 = 5 still to plan; the missed one does not count towards it.
    assert (nine_a["delivered"], nine_a["planned"], nine_a["missed"], nine_a["gap"]) == (1, 2, 1, 5)
    assert (rows["10A"]["missed"], rows["10A"]["gap"]) == (1, 8)


def test_it_never_shows_a_negative_gap_and_uses_the_schools_entitlement(world):
    CaseloadSettings.objects.create(organisation=world.school, min_groups=15, max_groups=17, entitlement=2)
    for day in (4, 5, 6):
        _record(world, _plan(world, datetime.date(2026, 11, day)), [])
    row = selectors.entitlement([world.group_9a], TODAY)[0]
    assert (row["entitlement"], row["delivered"], row["gap"]) == (2, 3, 0)


def test_it_records_who_attended_for_every_member_in_one_go_audited(world):
    session = _plan(world, datetime.date(2026, 11, 16))
    _record(world, session, [world.alice.pk])
    rows = dict(SessionAttendance.objects.filter(session=session).values_list("pupil_id", "attended"))
    assert rows == {world.alice.pk: True, world.ben.pk: False}
    assert AuditEvent.objects.filter(action="update", note="1 of 2 attended").exists()


def test_it_refuses_to_record_a_session_before_its_day(world):
    with pytest.raises(ValidationError):
        _record(world, _plan(world, datetime.date(2026, 11, 25)), [])


def test_it_prefills_everyone_as_attending_and_saves_the_unticked_as_absent(world):
    session = _plan(world, TODAY)
    client = client_for(world.pal)
    page = client.get(reverse("caseloads:session_record", args=[session.pk]))
    assert [(p.display_name, ticked) for p, ticked in page.context["rows"]] == [
        ("Alice Archer", True),
        ("Ben Baker", True),
    ]
    response = client.post(
        reverse("caseloads:session_record", args=[session.pk]),
        {"attended": [str(world.ben.pk)], "notes": "Study skills: revision timetables"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == GroupSession.Status.DELIVERED
    assert not SessionAttendance.objects.get(session=session, pupil=world.alice).attended


def test_it_plans_a_session_from_the_page_and_names_the_bad_field(world):
    client = client_for(world.pal)
    url = reverse("caseloads:session_plan", args=[world.group_9a.pk])
    bad = client.post(url, {"date": "2026-11-20", "starts_at": "10:00", "ends_at": "09:00"})
    assert "ends_at" in bad.context["form"].errors
    year = services.academic_year_for(TODAY)
    topic = Topic.objects.create(organisation=world.school, academic_year=year, term=1, title="Wellbeing")
    ok = client.post(url, {"date": "2026-11-20", "starts_at": "09:00", "ends_at": "10:00", "topic": topic.pk})
    assert ok.status_code == 302
    assert GroupSession.objects.get(group=world.group_9a).topic == topic


def test_it_refuses_another_schools_topic(world):
    year = services.academic_year_for(TODAY)
    theirs = Topic.objects.create(organisation=world.other_school, academic_year=year, term=1, title="E&D")
    with pytest.raises(ValidationError) as error:
        services.session_plan(
            actor=world.pal, group=world.group_9a, date=TODAY, starts_at=NINE, ends_at=TEN, topic=theirs
        )
    assert "topic" in error.value.message_dict


@outsider_test(
    "caseloads:group",
    "caseloads:session_plan",
    "caseloads:session",
    "caseloads:session_record",
    "caseloads:session_cancel",
)
def test_it_hides_groups_and_sessions_from_another_school(world):
    session = _plan(world, TODAY)
    client = client_for(world.outsider)
    for name, pk in [
        ("caseloads:group", world.group_9a.pk),
        ("caseloads:session_plan", world.group_9a.pk),
        ("caseloads:session", session.pk),
        ("caseloads:session_record", session.pk),
        ("caseloads:session_cancel", session.pk),
    ]:
        assert_outsider_404(client, reverse(name, args=[pk]))


def test_it_refuses_another_groups_sessions_to_the_pal_and_all_sessions_to_a_tutor(world):
    theirs = services.session_plan(
        actor=world.senior, group=world.group_9b, date=TODAY, starts_at=NINE, ends_at=TEN
    )
    pal = client_for(world.pal)
    assert pal.get(reverse("caseloads:session", args=[theirs.pk])).status_code == 403
    assert pal.get(reverse("caseloads:session_plan", args=[world.group_9b.pk])).status_code == 403
    mine = _plan(world, TODAY)
    tutor = client_for(world.tutor)
    assert tutor.get(reverse("caseloads:session_record", args=[mine.pk])).status_code == 403
    assert tutor.get(reverse("caseloads:group", args=[world.group_9a.pk])).status_code == 403
    # The head of year 9 runs 9A's sessions; the head of year 10 does not.
    assert (
        client_for(world.head_of_year9).get(reverse("caseloads:session", args=[mine.pk])).status_code == 200
    )
    assert (
        client_for(world.head_of_year10).get(reverse("caseloads:session", args=[mine.pk])).status_code == 403
    )


def test_it_cancels_a_session_after_a_confirmation(world):
    session = _plan(world, datetime.date(2026, 11, 25))
    client = client_for(world.pal)
    assert client.get(reverse("caseloads:session_cancel", args=[session.pk])).status_code == 200
    client.post(reverse("caseloads:session_cancel", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == GroupSession.Status.CANCELLED


def test_it_gives_the_pal_an_ical_feed_of_their_sessions(world):
    _plan(world, datetime.date(2026, 11, 25))
    _plan(world, TODAY, group=world.group_9b)  # not the PAL's group
    response = client_for(world.pal).get(reverse("caseloads:ical"))
    assert response["Content-Type"] == "text/calendar"
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["9A group session"]
    assert str(events[0]["location"]) == "B12"


@outsider_test("caseloads:topic_delete")
def test_it_keeps_the_programme_to_the_schools_leaders(world):
    year = services.academic_year_for(TODAY)
    topic = Topic.objects.create(organisation=world.school, academic_year=year, term=2, title="Progression")
    assert_outsider_404(client_for(world.outsider), reverse("caseloads:topic_delete", args=[topic.pk]))
    assert client_for(world.pal).post(reverse("caseloads:topic_delete", args=[topic.pk])).status_code == 403
    senior = client_for(world.senior)
    response = senior.post(reverse("caseloads:programme"), {"term": 1, "title": ""})
    assert "title" in response.context["form"].errors
    senior.post(reverse("caseloads:topic_delete", args=[topic.pk]))
    assert not Topic.objects.filter(pk=topic.pk).exists()
