"""Meetings arranged in advance: invitations with a calendar file to every party with an address (never to a contact
marked "no contact"), a reminder the day before, who came, cancellations; the parents' home link; the home–school
contact log. Every page: 404 to another school, 403 to a head of another year."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from behaviour.services import report_scores_record
from core.testing.factories import PupilContactFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from people.models import PupilContact
from support_plans import services
from support_plans.models import HomeContact, Invitation, Party, PlannedMeeting
from support_plans.services import arrangements
from support_plans.tests.helpers import smart, started_plan

pytestmark = pytest.mark.django_db


world = shared_world()


@pytest.fixture
def plan(world):
    """Alice's plan under way, her mother and (added before the plan opened) her father as parties."""
    PupilContactFactory(pupil=world.alice, relationship=PupilContact.Relationship.FATHER)
    return started_plan(world)


def _father(world):
    return PupilContact.objects.get(pupil=world.alice, relationship=PupilContact.Relationship.FATHER)


def _in_days(days: int, hour: int = 15) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _arrange(world, plan, days=7, **extra):
    return arrangements.meeting_schedule(
        actor=world.head_of_year9,
        plan=plan,
        kind="review",
        week=4,
        starts_at=_in_days(days),
        place="Meeting room 2",
        **extra,
    )


def _calendar(mail) -> icalendar.Calendar:
    (name, content, mimetype) = mail.attachments[0]
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def test_it_invites_every_party_with_an_address_and_never_a_parent_marked_no_contact(
    world, plan, django_capture_on_commit_callbacks, mailoutbox
):
    """The mother, the coordinator and the SENCO are invited with a calendar file; the father marked "no contact"
    is not."""
    father = _father(world)
    PupilContact.objects.filter(pk=father.pk).update(no_contact=True)
    planned = _arrange(world, plan)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.head_of_year9).post(
            reverse("support_plans:planned_invite", args=[planned.pk])
        )
    assert response.status_code == 302
    mother = plan.parties.get(kind=Party.Kind.PARENT, role="Mother")
    sent_to = sorted(address for mail in mailoutbox for address in mail.to)
    assert sent_to == sorted([mother.contact.email, world.head_of_year9.email, world.senco.email])
    assert father.contact.email not in sent_to
    calendar = _calendar(mailoutbox[0])
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == planned.starts_at
    assert (
        event["LOCATION"] == "Meeting room 2"
        and event["UID"] == f"psp-meeting-{planned.pk}@" + (event["UID"].split("@")[1])
    )
    assert "invitation to Alice's review meeting" in mailoutbox[0].subject
    planned.refresh_from_db()
    assert planned.invitations_sent_at is not None
    assert set(Invitation.objects.filter(planned=planned).values_list("party__name", flat=True)) == {
        mother.name,
        "Hugo Head",
        "Sam Senco",
    }


def test_it_does_not_email_a_no_contact_parent_even_at_an_address_typed_on_another_party(world, plan):
    """The refusal follows the address too: a party carrying a no-contact parent's address is not invited."""
    father = _father(world)
    PupilContact.objects.filter(pk=father.pk).update(no_contact=True)
    services.party_save(
        actor=world.head_of_year9,
        plan=plan,
        kind="agency",
        agency="other",
        name="Family friend",
        email=father.contact.email.upper(),
    )
    invited = arrangements.invitations_send(actor=world.head_of_year9, planned=_arrange(world, plan))
    assert father.contact.email.lower() not in {i.email.lower() for i in invited}


def test_it_refuses_a_meeting_in_the_past_or_without_a_place_with_clear_errors(world, plan):
    client = client_for(world.head_of_year9)
    url = reverse("support_plans:meeting_schedule", args=[plan.pk])
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url, {"kind": "review", "week": 4, "starts_at": past, "duration_minutes": 45, "place": "R2"}
    )
    assert response.status_code == 200 and "choose a time in the future" in response.content.decode()
    soon = _in_days(3).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"kind": "review", "week": 4, "starts_at": soon, "duration_minutes": 45})
    assert "Give a place, a video link, or both." in response.content.decode()
    response = client.post(url, {"kind": "review", "starts_at": soon, "duration_minutes": 45, "place": "R2"})
    assert "Say which review point this meeting is." in response.content.decode()
    assert not PlannedMeeting.objects.exists()
    response = client.post(
        url,
        {
            "kind": "review",
            "week": 4,
            "starts_at": soon,
            "duration_minutes": 45,
            "video_link": "https://meet.example.test/psp",
        },
    )
    assert response.status_code == 302
    assert PlannedMeeting.objects.get().video_link == "https://meet.example.test/psp"


def test_it_reminds_those_invited_once_the_day_before_and_not_a_parent_marked_no_contact_since(
    world, plan, django_capture_on_commit_callbacks, mailoutbox
):
    planned = _arrange(world, plan, days=5)
    arrangements.invitations_send(actor=world.head_of_year9, planned=planned)
    mother = plan.parties.get(kind=Party.Kind.PARENT, role="Mother")
    PupilContact.objects.filter(pupil=world.alice, contact=mother.contact).update(no_contact=True)
    eve = (timezone.localdate() + datetime.timedelta(days=4)).isoformat()
    out = StringIO()
    call_command("psp_meeting_reminders", "--date", eve, stdout=out)
    assert "Total: 1 meeting(s) to remind (dry run" in out.getvalue() and not mailoutbox
    # Too early: two days before, nothing is due.
    early = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("psp_meeting_reminders", "--date", early, "--apply", stdout=StringIO())
    assert not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        call_command("psp_meeting_reminders", "--date", eve, "--apply", stdout=StringIO())
    father = _father(world).contact.email
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [world.head_of_year9.email, world.senco.email, father]
    )
    assert mother.contact.email not in {mail.to[0] for mail in mailoutbox}
    assert mailoutbox[0].subject == "Reminder: Alice's review meeting is tomorrow"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("psp_meeting_reminders", "--date", eve, "--apply", stdout=StringIO())
    assert len(mailoutbox) == 3  # each meeting is reminded once


def test_it_records_who_came_when_the_arranged_meeting_is_recorded(world, plan):
    planned = _arrange(world, plan)
    invited = arrangements.invitations_send(actor=world.head_of_year9, planned=planned)
    client = client_for(world.head_of_year9)
    url = reverse("support_plans:meeting_add", args=[plan.pk, "review"]) + f"?planned={planned.pk}"
    page = client.get(url)
    assert page.context["form"].initial["held_on"] == timezone.localdate(planned.starts_at)
    came = next(i.party for i in invited if i.party.kind == Party.Kind.STAFF)
    target = plan.targets.get()
    response = client.post(
        url,
        {
            "kind": "review",
            "held_on": timezone.localdate().isoformat(),
            "week": 4,
            "summary": "Walk-outs down; mother could not come.",
            "attendees": [came.pk],
            f"progress_{target.pk}": "partly",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    planned.refresh_from_db()
    assert planned.meeting is not None and list(planned.meeting.attendees.all()) == [came]
    detail = client.get(reverse("support_plans:plan_detail", args=[plan.pk])).content.decode()
    assert f"{came.name} (came)" in detail and "(did not come)" in detail


def test_it_cancels_after_a_confirmation_and_tells_everyone_invited(
    world, plan, django_capture_on_commit_callbacks, mailoutbox
):
    planned = _arrange(world, plan)
    arrangements.invitations_send(actor=world.head_of_year9, planned=planned)
    client = client_for(world.head_of_year9)
    url = reverse("support_plans:planned_cancel", args=[planned.pk])
    assert "Cancel the meeting" in client.get(url).content.decode()
    planned.refresh_from_db()
    assert planned.cancelled_at is None  # the page only asks
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    planned.refresh_from_db()
    assert planned.cancelled_at is not None
    assert len(mailoutbox) == 4 and all(m.subject.startswith("Cancelled:") for m in mailoutbox)
    assert _calendar(mailoutbox[0])["METHOD"] == "CANCEL"
    with pytest.raises(Exception, match="cancelled"):
        arrangements.invitations_send(actor=world.head_of_year9, planned=planned)


def _score(world, plan, day, score):
    report_scores_record(actor=world.tutor, card=plan.report_card, date=day, lesson="P1", scores={0: score})


def _home_link(world, plan) -> str:
    mother = plan.parties.get(kind=Party.Kind.PARENT, role="Mother")
    response = client_for(world.head_of_year9).post(
        reverse("support_plans:party_home_link", args=[mother.pk])
    )
    assert response.status_code == 200
    return re.search(r"/support-plans/l/([\w-]+)/", response.content.decode()).group(0)


def test_a_parent_follows_the_targets_and_weekly_scores_and_sees_nothing_of_another_pupil(
    world, plan, client
):
    plan = services.monitoring_set(actor=world.head_of_year9, plan=plan, frequency="daily", staff=world.tutor)
    starts = plan.report_card.starts_on
    first = starts + datetime.timedelta(days=starts.weekday() == 6)  # two days of one week, Monday to Sunday
    _score(world, plan, first, 3)
    _score(world, plan, first + datetime.timedelta(days=1), 2)
    ben_plan = started_plan(world, pupil=world.ben)
    services.target_add(actor=world.head_of_year9, plan=ben_plan, **smart(specific="Ben hands in homework"))
    url = _home_link(world, plan)
    for _ in range(2):  # as often as the parent likes
        page = client.get(url)
        assert page.status_code == 200
    text = page.content.decode()
    assert "Stay in every lesson without walking out" in text
    assert "83.3%" in text  # (3 + 2) of 6
    assert "Ben" not in text and "homework" not in text
    assert "Two suspensions" not in text  # the school's own notes stay at school
    assert AuditEvent.objects.filter(action="read", note__startswith="home link opened for").count() == 2


def test_it_withdraws_the_old_home_link_and_makes_none_for_a_no_contact_parent(world, plan, client):
    first = _home_link(world, plan)
    second = _home_link(world, plan)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    father = plan.parties.get(kind=Party.Kind.PARENT, role="Father")
    PupilContact.objects.filter(pupil=world.alice, contact=father.contact).update(no_contact=True)
    response = client_for(world.head_of_year9).post(
        reverse("support_plans:party_home_link", args=[father.pk]), follow=True
    )
    assert "marked “no contact”" in response.content.decode()


def test_it_logs_contact_with_home_and_refuses_a_date_in_the_future(world, plan):
    client = client_for(world.head_of_year9)
    url = reverse("support_plans:home_contact_add", args=[plan.pk])
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "direction": "to_home",
        "method": "phone",
        "with_whom": "Mrs Archer (mother)",
        "summary": "Agreed breakfast club on Mondays.",
    }
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "cannot be in the future" in client.post(url, {**data, "occurred_on": tomorrow}).content.decode()
    assert client.post(url, data).status_code == 302
    assert HomeContact.objects.get().recorded_by == world.head_of_year9
    assert (
        "Agreed breakfast club on Mondays."
        in client.get(reverse("support_plans:plan_detail", args=[plan.pk])).content.decode()
    )


def _urls(world, plan):
    planned = _arrange(world, plan)
    mother = plan.parties.get(kind=Party.Kind.PARENT, role="Mother")
    return [
        (reverse("support_plans:meeting_schedule", args=[plan.pk]), "get"),
        (reverse("support_plans:planned_invite", args=[planned.pk]), "post"),
        (reverse("support_plans:planned_cancel", args=[planned.pk]), "get"),
        (reverse("support_plans:planned_cancel", args=[planned.pk]), "post"),
        (reverse("support_plans:party_home_link", args=[mother.pk]), "post"),
        (reverse("support_plans:home_contact_add", args=[plan.pk]), "get"),
    ]


@outsider_test(
    "support_plans:meeting_schedule",
    "support_plans:planned_invite",
    "support_plans:planned_cancel",
    "support_plans:party_home_link",
    "support_plans:home_contact_add",
)
def test_it_hides_the_arrangements_from_another_school_with_404(world, plan):
    client = client_for(world.outsider)
    for url, method in _urls(world, plan):
        assert_outsider_404(client, url, method)
    assert (
        not Invitation.objects.exists()
        and not PlannedMeeting.objects.filter(cancelled_at__isnull=False).exists()
    )


def test_it_refuses_a_head_of_another_year_with_403_on_every_arrangement(world, plan):
    client = client_for(world.head_of_year10)
    for url, method in _urls(world, plan):
        assert getattr(client, method)(url).status_code == 403, url
    assert not Invitation.objects.exists()
