"""Retention to date of birth + 25 years (listed for review, never deleted, never while held) and the DSL's
subject-access decision."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from access.roles import Role
from audit.models import AuditEvent
from core.testing.factories import PupilFactory, RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import build_school_world
from core.testing.world import shared_world
from people.subject_access import subject_access_document
from safeguarding import services
from safeguarding.models import Concern, RetentionReview
from safeguarding.services import retention

from .helpers import log, stepped_up

pytestmark = pytest.mark.django_db


def _build_world():
    world = build_school_world()
    world.old = PupilFactory(
        organisation=world.school, date_of_birth=datetime.date(2001, 3, 1), left_on=datetime.date(2019, 7, 20)
    )
    log(world, pupil=world.old, actor=world.dsl)
    return world


world = shared_world(_build_world)


def test_it_keeps_the_records_until_the_25th_birthday(world):
    """Born 1 March 2001: not due on 28 Feb 2026, due on 1 March 2026."""
    assert retention.kept_until(world.old.date_of_birth) == datetime.date(2026, 3, 1)
    assert retention.retention_counts(organisation=world.school, today=datetime.date(2026, 2, 28)).pupils == 0
    assert retention.retention_counts(organisation=world.school, today=datetime.date(2026, 3, 1)).pupils == 1


def test_it_takes_a_leap_day_birthday_to_the_28th(world):
    leap = PupilFactory(organisation=world.school, date_of_birth=datetime.date(2000, 2, 29))
    services.status_set(
        actor=world.dsl, pupil=leap, status="previous_plan", starts_on=datetime.date(2010, 1, 4)
    )
    assert retention.kept_until(leap.date_of_birth) == datetime.date(2025, 2, 28)
    assert retention.retention_counts(organisation=world.school, today=datetime.date(2025, 2, 27)).pupils == 0
    assert retention.retention_counts(organisation=world.school, today=datetime.date(2025, 2, 28)).pupils == 1


def test_it_lists_for_review_and_deletes_nothing(world):
    """--apply lists the file once, with one audit event; the concern is still there; a second run lists nothing."""
    today = datetime.date(2026, 3, 2)
    counts = retention.apply_retention(organisation=world.school, today=today)
    assert counts.pupils == 1 and Concern.objects.filter(pupil=world.old).count() == 1
    review = RetentionReview.objects.get()
    assert (review.pupil, review.due_on, review.listed_on) == (world.old, datetime.date(2026, 3, 1), today)
    assert AuditEvent.objects.filter(object_type="safeguarding_retention").count() == 1
    assert retention.apply_retention(organisation=world.school, today=today).pupils == 0


def test_it_never_lists_a_pupil_under_a_retention_hold(world):
    world.old.retention_hold = "Police request, case 123"
    world.old.save()
    counts = retention.apply_retention(organisation=world.school, today=datetime.date(2030, 1, 1))
    assert (counts.pupils, counts.held) == (0, 1) and not RetentionReview.objects.exists()


def test_it_runs_as_a_command_dry_run_first(world):
    out = io.StringIO()
    call_command("retention", "--only", "safeguarding", "--date", "2026-03-02", stdout=out)
    assert "Oakfield School: 1 safeguarding file(s) to list for review" in out.getvalue()
    assert not RetentionReview.objects.exists()
    call_command(
        "retention", "--only", "safeguarding", "--date", "2026-03-02", "--apply", stdout=io.StringIO()
    )
    assert RetentionReview.objects.count() == 1


def test_it_withholds_safeguarding_records_from_subject_access_until_the_dsl_decides(world):
    """No decision: withheld. 'Status only': the status, no concern. 'Include': the concerns too."""
    concern = log(world)
    services.status_set(actor=world.dsl, pupil=world.alice, status="cin", starts_on=datetime.date(2026, 9, 7))
    part = subject_access_document(world.alice)["safeguarding"]
    assert part["included"] == "nothing" and "concerns" not in part
    retention.subject_access_decide(
        actor=world.dsl, pupil=world.alice, scope="status", reason="Ongoing inquiry."
    )
    part = subject_access_document(world.alice)["safeguarding"]
    assert [s["status"] for s in part["statuses"]] == ["cin"] and "concerns" not in part
    retention.subject_access_decide(
        actor=world.dsl, pupil=world.alice, scope="include", reason="No risk now."
    )
    part = subject_access_document(world.alice)["safeguarding"]
    assert [c["id"] for c in part["concerns"]] == [concern.pk] and part["decision"][
        "reason"
    ] == "No risk now."


def test_it_lets_only_the_dsl_decide_subject_access(world):
    deputy = RoleFactory(organisation=world.school, role=Role.DEPUTY_DSL).user
    url = reverse("safeguarding:subject_access", args=[world.alice.pk])
    assert stepped_up(deputy).get(url).status_code == 403
    assert stepped_up(world.senior).get(url).status_code == 403
    client = stepped_up(world.dsl)
    assert client.post(url, {"scope": "withhold", "reason": " "}).status_code == 400
    assert client.post(url, {"scope": "withhold", "reason": "Third-party information."}).status_code == 302
    assert "Third-party information." in client.get(url).content.decode()


def test_it_shows_the_review_list_to_the_dsl_team_only(world):
    retention.apply_retention(organisation=world.school, today=datetime.date(2026, 3, 2))
    assert (
        world.old.display_name
        in stepped_up(world.dsl).get(reverse("safeguarding:retention")).content.decode()
    )
    assert stepped_up(world.senior).get(reverse("safeguarding:retention")).status_code == 403


@outsider_test("safeguarding:subject_access")
def test_it_hides_the_subject_access_decision_from_another_school(world):
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    assert_outsider_404(
        stepped_up(world.outsider), reverse("safeguarding:subject_access", args=[world.alice.pk])
    )
