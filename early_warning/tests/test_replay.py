"""The replay on a hand-built three-student history."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from core.testing.factories import OrganisationFactory, PupilFactory, UserFactory
from early_warning.models import StudentFactor
from early_warning.replay import replay
from early_warning.tests.helpers import suspension

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 10, 5), datetime.date(2026, 11, 2)  # five Monday checks


@pytest.fixture
def school():
    """Warned: on a CP plan and a young carer (3 + 1 = 4) from the start, suspended 21 October.
    False alarm: EHC plan, pupil premium, young carer (2 + 1 + 1 = 4), nothing happens.
    Missed: nothing flags them until their suspension on 14 October (then the suspension itself flags them)."""
    from safeguarding.models import ProtectionStatus

    school = OrganisationFactory(slug="oakfield")
    head = UserFactory()
    warned, false_alarm, missed = (PupilFactory(organisation=school) for _ in range(3))
    ProtectionStatus.objects.create(
        organisation=school,
        pupil=warned,
        status="cp_plan",
        starts_on=datetime.date(2026, 9, 1),
        recorded_by=head,
    )
    StudentFactor.objects.create(organisation=school, pupil=warned, young_carer=True)
    false_alarm.sen_status = "E"
    false_alarm.save()
    StudentFactor.objects.create(organisation=school, pupil=false_alarm, pupil_premium=True, young_carer=True)
    suspension(warned, datetime.date(2026, 10, 21), head)
    suspension(missed, datetime.date(2026, 10, 14), head)
    school.pupils_built = (warned, false_alarm, missed)
    return school


def test_it_counts_precision_recall_and_weeks_of_warning(school):
    """Precision 1/2 (warned; the false alarm), recall 1/2 (warned; missed), warning 16 days = 16/7 weeks."""
    warned, false_alarm, missed = school.pupils_built
    result = replay(school, START, END)
    assert result.first_flag == {
        warned.pk: START,
        false_alarm.pk: START,
        missed.pk: datetime.date(2026, 10, 19),
    }
    assert result.outcomes == {
        warned.pk: (datetime.date(2026, 10, 21), "suspended"),
        missed.pk: (datetime.date(2026, 10, 14), "suspended"),
    }
    assert (result.precision, result.recall) == (0.5, 0.5)
    assert result.median_weeks == 16 / 7
    assert [count for _, count in result.weeks] == [2, 2, 3, 3, 3]


def test_it_prints_the_figures(school):
    out = io.StringIO()
    call_command("early_warning_replay", organisation="oakfield", start=START, end=END, stdout=out)
    assert "Precision 50.0%  Recall 50.0%  Median weeks of warning 2.3" in out.getvalue()
