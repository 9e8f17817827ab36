"""The demo: the college PAL's caseload has a programme, a term of sessions and reviews on first run."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from caseloads import selectors
from caseloads.models import GroupSession, LearningTarget, Review, SessionAttendance, TargetProgress, Topic
from core.testing.personas import client_for
from core.testing.world import shared_world
from demo.world import build_world
from organisations import calendar
from organisations.models import Term

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 2, 10)  # half a year in: windows 1 and 2 closed, window 3 open

# The tests read the same demo world, built once for the module with the clock stopped on TODAY.
world = shared_world(
    lambda: build_world(today=TODAY, pupils_per_school=60),
    at=datetime.datetime(2027, 2, 10, 12, 0, tzinfo=datetime.UTC),
)


def test_it_builds_the_pals_half_year_of_sessions_and_reviews(world):
    pal = world.users["pal"]
    groups = [
        a.group for a in pal.role_assignments.filter(role="pal", group__isnull=False).select_related("group")
    ]
    assert groups
    school = groups[0].organisation
    assert Topic.objects.filter(organisation=school).count() == 9
    sessions = GroupSession.objects.filter(organisation=school, group__in=groups)
    assert sessions.count() == 8 * len(groups)
    assert sessions.filter(status="delivered", date__gte=TODAY).count() == 0
    assert SessionAttendance.objects.filter(session__in=sessions).exists()
    reviews = Review.objects.filter(organisation=school)
    assert reviews.filter(window__number=1, signed_off_at__isnull=False).exists()
    assert reviews.filter(window__number=3, signed_off_at__isnull=True).exists()  # some in progress now
    assert LearningTarget.objects.filter(review__in=reviews).count() == 2 * reviews.count()
    assert TargetProgress.objects.filter(review__window__number=2).exists()
    status = selectors.reviews_status(groups, TODAY)
    assert status["overdue"] and status["due"]
    client = client_for(pal)
    home = client.get(reverse("caseloads:home"))
    assert home.status_code == 200
    assert home.context["completion"]["students"] == sum(
        len(v) for v in selectors.members([g.pk for g in groups], TODAY).values()
    )
    # Coaching, listening notes, a stage-one meeting, passports and progression (caseloads/demo_pal.py).
    from caseloads.models import (
        CoachingSession,
        ListeningNote,
        PassportCompletion,
        Progression,
        StageOneMeeting,
    )

    assert CoachingSession.objects.filter(organisation=school, coach=pal).exists()
    assert ListeningNote.objects.filter(organisation=school).count() == 3
    assert StageOneMeeting.objects.filter(organisation=school, outcome="targets").exists()
    assert PassportCompletion.objects.filter(organisation=school).exists()
    assert Progression.objects.filter(organisation=school, destination_status="intended").exists()
    assert client.get(reverse("caseloads:passport_completion")).status_code == 200
    assert client.get(reverse("caseloads:parents_evening", args=[groups[0].pk])).status_code == 200


def test_it_holds_every_demo_group_session_on_a_school_day_of_its_topics_term(world):
    """No tutorial in the Christmas or Easter holidays, at a weekend or on a training day, and a December
    session's topic is an autumn one."""
    sessions = list(GroupSession.objects.select_related("topic", "academic_year"))
    assert len(sessions) >= 8
    for school_id in {s.organisation_id for s in sessions}:
        year = world.academic_year
        school_days = calendar.calendar_for(school_id, year.starts_on, year.ends_on)
        terms = {t.kind: t for t in Term.objects.filter(organisation_id=school_id, academic_year=year)}
        for session in (s for s in sessions if s.organisation_id == school_id):
            assert school_days.is_school_day(session.date), session.date
            term = terms[{1: "autumn", 2: "spring", 3: "summer"}[session.topic.term]]
            assert term.starts_on <= session.date <= term.ends_on, (session.date, str(session.topic))


# Dates that bound a period rather than say when something happens: a review window's opening and due date (the
# school's defaults, 1 Sep–31 Oct…), the period an LPR freezes (from its window's opening), a report batch's period.
# The demo makes no report batches and no addenda; their times are the clock's.
PERIOD_BOUNDS = {
    "reviewwindow.opens_on",
    "reviewwindow.closes_on",
    "review.period_start",
    "reportbatch.starts_on",
    "reportbatch.ends_on",
    "reportbatch.archive_expired_at",
    "reportbatch.finished_at",
}


def _demo_dates() -> list[tuple[str, int, datetime.date]]:
    """(model.field, organisation, day) for every date and time of every caseload row, bar the clock's own."""
    found = []
    for model in apps.get_app_config("caseloads").get_models():
        for field in model._meta.get_fields():
            name = f"{model._meta.model_name}.{field.name}"
            if not isinstance(field, models.DateField) or field.auto_now or field.auto_now_add:
                continue
            if name in PERIOD_BOUNDS:
                continue
            for org_id, value in model.objects.exclude(**{field.name: None}).values_list(
                "organisation_id", field.name
            ):
                day = timezone.localdate(value) if isinstance(value, datetime.datetime) else value
                found.append((name, org_id, day))
    return found


def test_it_dates_everything_the_caseload_demo_makes_on_a_school_day(world):
    """No session, review, sign-off, target, action, coaching session, note, meeting or passport item falls at a
    weekend, outside the college's terms or on a closure (a half term, a training day, a bank holiday)."""
    dates = _demo_dates()
    assert {name for name, _, _ in dates} >= {
        "groupsession.date",
        "groupsession.delivered_at",
        "review.held_on",
        "review.signed_off_at",
        "learningtarget.due_on",
        "reviewaction.due_on",
        "coachingsession.held_on",
        "coachingsession.next_on",
        "listeningnote.heard_on",
        "stageonemeeting.held_on",
        "stageonemeeting.review_on",
        "passportcompletion.completed_on",
    }
    off = []
    for org_id in {org for _, org, _ in dates}:
        days = [d for _, org, d in dates if org == org_id]
        school = calendar.calendar_for(org_id, min(days), max(days))
        off += [
            (name, d, school.why_not(d))
            for name, org, d in dates
            if org == org_id and not school.is_school_day(d)
        ]
    assert not off, (Counter(name for name, _, _ in off), sorted(off)[:10])
