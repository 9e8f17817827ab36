"""The caseload views whose wrong-role refusal no other module proved: a user of the same school whose role does not
reach the page gets 403 (and the role it is for gets the page). Their outsider tests (404) are beside the views'
other tests; the rest of the views' wrong-role tests too (test_caseloads, test_sessions, test_reviews, …)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from access.roles import Role
from caseloads import services
from caseloads.services import coaching as coaching_services
from caseloads.services import passports as passport_services
from core.testing.personas import _staff, build_school_world, client_for
from core.testing.world import shared_world
from safeguarding.models import Agency

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()  # a Wednesday in the 2026-27 year


def _build_world():
    world = build_school_world()
    world.other_pal = _staff(world.school, "pia@oakfield.test", "Pia Pal", Role.PAL, group=world.group_9b)
    Agency.objects.create(
        organisation=world.school,
        name="College counselling",
        kind="counselling",
        awaits="ack",
        response_days=5,
    )
    return world


world = shared_world(_build_world, at=NOW)


def _status(user, url, method="get"):
    return getattr(client_for(user), method)(url).status_code


def test_it_keeps_the_caseload_settings_programme_and_windows_to_the_schools_leaders(world):
    """A PAL and a head of year get 403 on the settings, the programme and the review windows."""
    for name in ("caseloads:settings", "caseloads:programme", "caseloads:windows"):
        url = reverse(name)
        assert _status(world.senior, url) == 200, name
        assert [_status(u, url) for u in (world.pal, world.head_of_year9)] == [403, 403], name


def test_it_keeps_the_n_marks_reviews_due_and_calendar_to_a_pal(world):
    """The caseload's N marks, reviews due and iCal feed are 403 to a senior leader and a tutor (no caseload)."""
    for name in ("caseloads:n_marks", "caseloads:reviews_due", "caseloads:ical"):
        url = reverse(name)
        assert _status(world.pal, url) == 200, name
        assert [_status(u, url) for u in (world.senior, world.tutor)] == [403, 403], name


def test_it_refuses_the_sessions_page_to_a_role_with_no_groups(world):
    """A tutor and the DSL read no group's sessions: the sessions page is 403 to them."""
    url = reverse("caseloads:sessions")
    assert _status(world.head_of_year9, url) == 200
    assert [_status(u, url) for u in (world.tutor, world.dsl)] == [403, 403]


def test_it_refuses_cancelling_a_session_to_a_tutor_and_another_years_head(world):
    """Only those who run the group's sessions see the confirmation or cancel."""
    session = services.session_plan(
        actor=world.pal,
        group=world.group_9a,
        date=TODAY,
        starts_at=datetime.time(9, 0),
        ends_at=datetime.time(10, 0),
    )
    url = reverse("caseloads:session_cancel", args=[session.pk])
    assert _status(world.pal, url) == 200
    for user in (world.tutor, world.head_of_year10):
        assert (_status(user, url), _status(user, url, "post")) == (403, 403), user.full_name


def test_it_refuses_starting_or_reading_a_review_to_a_tutor_and_another_years_head(world):
    """Starting an LPR for a student and opening one are 403 outside the eLLP's readers and writers."""
    window = services.windows_for(world.school, services.academic_year_for(TODAY))[1]
    review = services.review_start(actor=world.pal, pupil=world.alice, window=window, held_on=TODAY)
    start = reverse("caseloads:review_start", args=[world.alice.pk])
    page = reverse("caseloads:review", args=[review.pk])
    assert _status(world.head_of_year9, page) == 200
    for user in (world.tutor, world.head_of_year10):
        assert (_status(user, start, "post"), _status(user, page)) == (403, 403), user.full_name


def test_it_refuses_referring_or_passing_on_a_note_to_all_but_its_readers(world):
    """Another PAL, the head of year and a senior leader (not on the DSL team) get 403 on refer and pass."""
    note = coaching_services.note_record(actor=world.pal, pupil=world.alice, heard_on=TODAY, said="x")
    for name in ("caseloads:note_refer", "caseloads:note_pass"):
        url = reverse(name, args=[note.pk])
        assert _status(world.pal, url) == 200, name
        for user in (world.other_pal, world.head_of_year9, world.senior, world.tutor):
            assert _status(user, url) == 403, (name, user.full_name)


def test_it_refuses_planning_a_session_a_meeting_or_taking_back_an_item_to_the_groups_tutor(world):
    """The tutor of 9A holds no caseload role: planning 9A's session, a stage-one meeting for Alice and taking
    back her passport item are 403 (the other modules prove these for another PAL)."""
    passport = passport_services.passport_save(actor=world.senior, organisation=world.school, name="Passport")
    item = passport_services.passport_item_add(actor=world.senior, passport=passport, title="CV written")
    done = passport_services.passport_item_complete(
        actor=world.pal, item=item, pupil=world.alice, completed_on=TODAY
    )
    plan = reverse("caseloads:session_plan", args=[world.group_9a.pk])
    meeting = reverse("caseloads:stage_one_add", args=[world.alice.pk])
    remove = reverse("caseloads:passport_completion_remove", args=[done.pk])
    assert [_status(world.pal, url) for url in (plan, meeting)] == [200, 200]
    assert [
        _status(world.tutor, plan),
        _status(world.tutor, meeting),
        _status(world.tutor, remove, "post"),
    ] == [
        403,
        403,
        403,
    ]
