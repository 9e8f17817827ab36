"""Safety-net meetings: the agenda picks exactly the right students on a hand-built case, two meetings a term on
school days, minutes and actions carried to the next meeting, and who may see them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from access.roles import Role
from attendance.tests.helpers import mark
from core.testing.calendar import WEDNESDAY, day
from core.testing.factories import PupilFactory, RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.world import shared_world
from safeguarding import services
from safeguarding.models import ImmutableRecord, MeetingMinute
from safeguarding.selectors import meetings as selectors
from safeguarding.services import meetings as meeting_services

from .helpers import agency, build_termed_world, close, concern_data, refer, stepped_up

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 10, 14, 16, tzinfo=datetime.UTC)  # Wednesday 14 Oct 2026, after the meeting


world = shared_world(build_termed_world, at=TODAY)


def _at(on: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(on, datetime.time(10), tzinfo=datetime.UTC)


def _concern(world, pupil, on):
    return services.concern_log(
        actor=world.dsl, pupil=pupil, **concern_data(happened_at=_at(on)), now=_at(on)
    )


def test_it_builds_the_agenda_from_exactly_the_right_students(world):
    """Year 9's meeting on Wed 14 Oct 2026, the previous one on Mon 21 Sep:
    in — Alice (CP plan), Cleo (a concern on Mon 28 Sep), Fay (an open CAMHS referral), Gus (1 absence in 10
    sessions: 10%, persistent), Hal (an active PSP);
    out — Ben (CIN ended on 5 Oct), Eve (her concern was before the previous meeting), Ivy (her referral closed),
    Dan (year 10, on a CP plan), Jo (left on 9 Oct, on a CP plan), Kit (1 absence in 11 sessions: 9.1%)."""
    from support_plans.models import SupportPlan

    nine = {
        n: PupilFactory(organisation=world.school, legal_first_name=n, legal_last_name="Nine", year_group=9)
        for n in ("Eve", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kit")
    }
    status = lambda p, s, on: services.status_set(actor=world.dsl, pupil=p, status=s, starts_on=on)  # noqa: E731
    status(world.alice, "cp_plan", day(1))
    status(world.ben, "cin", day(1))
    status(world.ben, "none", day(4))
    status(world.dan, "cp_plan", day(1))
    status(nine["Jo"], "cp_plan", day(1))
    nine["Jo"].left_on = day(4, 4)
    nine["Jo"].save()
    meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(2), year_group=9
    )
    meeting = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(5, WEDNESDAY), year_group=9
    )
    _concern(world, world.cleo, day(3))
    _concern(world, nine["Eve"], day(2) - datetime.timedelta(days=3))
    camhs = agency(world.school)
    refer(world, camhs, day(3), pupil=nine["Fay"])
    close(world, refer(world, camhs, day(1), pupil=nine["Ivy"]), day(3), note="Discharged.")
    for i in range(10):
        mark(
            nine["Gus"],
            day(4) + datetime.timedelta(days=i // 2),
            "AM" if i % 2 == 0 else "PM",
            "O" if i == 0 else "/",
        )
    for i in range(11):
        mark(
            nine["Kit"],
            day(3) + datetime.timedelta(days=i // 2),
            "AM" if i % 2 == 0 else "PM",
            "O" if i == 0 else "/",
        )
    SupportPlan.objects.create(
        organisation=world.school,
        pupil=nine["Hal"],
        coordinator=world.dsl,
        opened_on=day(2),
        reason="Exclusions.",
    )
    rows = sorted(selectors.agenda(meeting, world.dsl), key=lambda r: r.pupil.legal_first_name)
    assert [(r.pupil.legal_first_name, r.reasons) for r in rows] == [
        ("Alice", ["CP plan"]),
        ("Cleo", ["1 new concern since 22 Sep"]),
        ("Fay", ["Open referral to CAMHS"]),
        ("Gus", ["Persistent absence (10.0%)"]),
        ("Hal", ["Active Pastoral Support Programme"]),
    ]


def test_it_puts_the_students_the_early_warning_list_flags_on_the_agenda(world):
    """Year 9's meeting on Wed 14 Oct 2026 (the school's flag at the default 4 points):
    in — Lou (a suspension on 5 Oct: 4 points, flagged, nothing else would put him on the agenda), Max (a
    suspension on 7 Sep, 37 days before, within the 90 days);
    out — Ned (five late marks in the last 28 days: 1 point, below the flag), Oli (year 10, suspended on 5 Oct:
    outside the area), Pam (suspended on 30 Jun: 106 days before, outside the 90 days)."""
    from early_warning.tests.helpers import suspension

    people = {
        n: PupilFactory(organisation=world.school, legal_first_name=n, legal_last_name="Warn", year_group=y)
        for n, y in (("Lou", 9), ("Max", 9), ("Ned", 9), ("Oli", 10), ("Pam", 9))
    }
    suspension(people["Lou"], day(5), world.head_of_year9)
    suspension(people["Max"], datetime.date(2026, 9, 7), world.head_of_year9)
    suspension(people["Oli"], day(5), world.head_of_year9)
    suspension(people["Pam"], datetime.date(2026, 6, 30), world.head_of_year9)
    for i in range(5):
        mark(people["Ned"], day(4) + datetime.timedelta(days=i), "AM", "L", minutes_late=10)
        mark(people["Ned"], day(4) + datetime.timedelta(days=i), "PM", "/")
    meeting = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(5, WEDNESDAY), year_group=9
    )
    rows = [r for r in selectors.agenda(meeting, world.dsl) if r.pupil.legal_last_name == "Warn"]
    assert [(r.pupil.legal_first_name, r.reasons) for r in rows] == [
        ("Lou", ["On the early-warning list (score 4)"]),
        ("Max", ["On the early-warning list (score 4)"]),
    ]


def test_it_shows_a_dso_only_their_own_students(world):
    """A DSO for group 9A sees Alice (9A, CP plan) on a whole-school agenda, not Dan (10A, looked after)."""
    services.status_set(actor=world.dsl, pupil=world.alice, status="cp_plan", starts_on=day(1))
    services.status_set(actor=world.dsl, pupil=world.dan, status="lac", starts_on=day(1))
    dso = RoleFactory(organisation=world.school, role=Role.DEPUTY_DSL, group=world.group_9a).user
    meeting = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="School", on=day(3)
    )
    assert [r.pupil for r in selectors.agenda(meeting, dso)] == [world.alice]
    assert [r.pupil for r in selectors.agenda(meeting, world.dsl)] == [world.alice, world.dan]


def test_it_schedules_two_meetings_a_term_on_school_days(world):
    """The autumn term (7 Sep – 18 Dec 2026, half term 26–30 Oct) has 70 school days: the 24th (index 23) is
    Thu 8 Oct, the 47th (index 46) Tue 17 Nov."""
    meetings = meeting_services.meetings_for_term(
        actor=world.dsl,
        organisation=world.school,
        starts_on=day(0),
        ends_on=day(14, 4),
        area="Year 9",
        year_group=9,
    )
    assert [m.on for m in meetings] == [datetime.date(2026, 10, 8), datetime.date(2026, 11, 17)]


def test_it_carries_open_actions_to_the_next_meeting_until_done(world):
    first = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(1)
    )
    second = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(5)
    )
    other = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 10", on=day(5)
    )
    action = meeting_services.meeting_action_add(
        actor=world.dsl,
        meeting=first,
        description="Call CAMHS",
        owner=world.pal,
        due_on=day(2),
        pupil=world.alice,
    )
    assert list(selectors.carried_actions(second)) == [action]
    assert list(selectors.carried_actions(other)) == []
    meeting_services.meeting_action_done(
        actor=world.dsl, action=action, done_on=day(2), note="Appointment made."
    )
    assert list(selectors.carried_actions(second)) == []


def test_it_records_minutes_attendance_and_prints_them(world):
    meeting = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(5)
    )
    services.status_set(actor=world.dsl, pupil=world.alice, status="cp_plan", starts_on=day(1))
    client = stepped_up(world.dsl)
    client.post(
        reverse("safeguarding:meeting_attendance", args=[meeting.pk]),
        {"name": "Paul Pal", "role": "PAL", "present": "on"},
    )
    client.post(
        reverse("safeguarding:meeting_minute", args=[meeting.pk]),
        {"pupil": world.alice.pk, "text": "Plan reviewed."},
    )
    assert MeetingMinute.objects.get().text == "Plan reviewed."
    page = client.get(reverse("safeguarding:meeting", args=[meeting.pk])).content.decode()
    assert "Paul Pal" in page and "Plan reviewed." in page
    pdf = client.get(reverse("safeguarding:meeting_pdf", args=[meeting.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    with pytest.raises(ImmutableRecord):
        MeetingMinute.objects.get().delete()
    bad = client.post(
        reverse("safeguarding:meeting_minute", args=[meeting.pk]), {"pupil": world.dan.pk + 999, "text": "x"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("persona", ["tutor", "senior", "pal"])
def test_it_refuses_meetings_to_other_roles(world, persona):
    meeting = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(5)
    )
    action = meeting_services.meeting_action_add(
        actor=world.dsl, meeting=meeting, description="x", owner=world.pal, due_on=day(6)
    )
    client = stepped_up(getattr(world, persona))
    assert client.get(reverse("safeguarding:meetings")).status_code == 403
    for name in ("meeting", "meeting_pdf"):
        assert client.get(reverse(f"safeguarding:{name}", args=[meeting.pk])).status_code == 403
    for name in ("meeting_attendance", "meeting_minute", "meeting_action"):
        assert client.post(reverse(f"safeguarding:{name}", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("safeguarding:meeting_action_done", args=[action.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        meeting_services.minute_add(
            actor=getattr(world, persona), meeting=meeting, pupil=world.alice, text="x"
        )


@outsider_test(
    "safeguarding:meeting",
    "safeguarding:meeting_pdf",
    "safeguarding:meeting_attendance",
    "safeguarding:meeting_minute",
    "safeguarding:meeting_action",
    "safeguarding:meeting_action_done",
)
def test_it_hides_meetings_from_another_school(world):
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    meeting = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(5)
    )
    action = meeting_services.meeting_action_add(
        actor=world.dsl, meeting=meeting, description="x", owner=world.pal, due_on=day(6)
    )
    client = stepped_up(world.outsider)
    for name in ("meeting", "meeting_pdf"):
        assert_outsider_404(client, reverse(f"safeguarding:{name}", args=[meeting.pk]))
    for name in ("meeting_attendance", "meeting_minute", "meeting_action"):
        assert_outsider_404(client, reverse(f"safeguarding:{name}", args=[meeting.pk]), "post")
    assert_outsider_404(client, reverse("safeguarding:meeting_action_done", args=[action.pk]), "post")


def test_it_orders_the_agenda_by_early_warning_score_highest_first(world):
    """Year 9 on Wed 14 Oct 2026: Zed (CP plan 3 + a suspension on 5 Oct 4 = 7), Bea (a suspension: 4), Amy (an
    open PSP: 2, below the flag), Cal (an open referral: 0) — in that order, not by name."""
    from early_warning.tests.helpers import suspension
    from support_plans.models import SupportPlan

    people = {
        n: PupilFactory(organisation=world.school, legal_first_name=n, legal_last_name="Score", year_group=9)
        for n in ("Amy", "Bea", "Cal", "Zed")
    }
    services.status_set(actor=world.dsl, pupil=people["Zed"], status="cp_plan", starts_on=day(1))
    suspension(people["Zed"], day(4), world.head_of_year9)
    suspension(people["Bea"], day(4), world.head_of_year9)
    SupportPlan.objects.create(
        organisation=world.school, pupil=people["Amy"], coordinator=world.dsl, opened_on=day(2), reason="r"
    )
    refer(world, agency(world.school), day(3), pupil=people["Cal"])
    meeting = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(5, WEDNESDAY), year_group=9
    )
    rows = [r for r in selectors.agenda(meeting, world.dsl) if r.pupil.legal_last_name == "Score"]
    assert [(r.pupil.legal_first_name, r.score) for r in rows] == [
        ("Zed", 7),
        ("Bea", 4),
        ("Amy", 2),
        ("Cal", 0),
    ]
    page = stepped_up(world.dsl).get(reverse("safeguarding:meeting", args=[meeting.pk])).content.decode()
    assert (
        page.index("Zed Score") < page.index("Bea Score") < page.index("Amy Score") < page.index("Cal Score")
    )
    assert "early-warning score 2, below the flag" in page


def test_it_shows_the_first_25_and_keeps_every_other_student_one_click_away(world):
    """30 Year 9 students on a CP plan: the first 25 shown, the other 5 behind "Show the other 5 students" on the
    same page, each with its minute form and a link to their chronology; a minute about one of them saves."""
    pupils = [
        PupilFactory(
            organisation=world.school, legal_first_name=f"P{n:02}", legal_last_name="Many", year_group=9
        )
        for n in range(30)
    ]
    for pupil in pupils:
        services.status_set(actor=world.dsl, pupil=pupil, status="cp_plan", starts_on=day(1))
    meeting = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(5), year_group=9
    )
    client = stepped_up(world.dsl)
    page = client.get(reverse("safeguarding:meeting", args=[meeting.pk])).content.decode()
    shown, hidden = page.split('<details id="sg-agenda-rest">')
    hidden = hidden.split("</details>")[0]
    assert "Show the other 5 students" in hidden
    for pupil in pupils:
        chronology = reverse("safeguarding:chronology", args=[pupil.pk])
        assert page.count(f'<a href="{chronology}">') == 1
        assert f'name="pupil" value="{pupil.pk}"' in page
    assert shown.count('class="sg-agenda-row"') == 25 and hidden.count('class="sg-agenda-row"') == 5
    last = selectors.agenda(meeting, world.dsl)[-1].pupil
    response = client.post(
        reverse("safeguarding:meeting_minute", args=[meeting.pk]), {"pupil": last.pk, "text": "Discussed."}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#sg-p{last.pk}")
    assert MeetingMinute.objects.get(pupil=last).text == "Discussed."


def test_it_tags_a_carried_action_overdue_once_its_due_date_has_passed(world):
    """From Mon 14 Sep's meeting: "Call CAMHS" due Mon 21 Sep (passed by Wed 14 Oct) is tagged Overdue on Mon 12
    Oct's meeting; "Home visit" due Mon 19 Oct is not."""
    first = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(1)
    )
    second = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=day(5)
    )
    meeting_services.meeting_action_add(
        actor=world.dsl, meeting=first, description="Call CAMHS", owner=world.pal, due_on=day(2)
    )
    meeting_services.meeting_action_add(
        actor=world.dsl, meeting=first, description="Home visit", owner=world.pal, due_on=day(6)
    )
    tagged = {a.description: a.is_overdue for a in selectors.carried_actions(second, TODAY.date())}
    assert tagged == {"Call CAMHS": True, "Home visit": False}
    page = stepped_up(world.dsl).get(reverse("safeguarding:meeting", args=[second.pk])).content.decode()
    carried = page.split('<ul id="sg-carried">')[1].split("</ul>")[0]
    call, visit = carried.split("Home visit")
    assert "Call CAMHS" in call and "Overdue" in call and "Overdue" not in visit
