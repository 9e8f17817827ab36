"""The demo builder (order 36, after qualifications and portfolios): materials on every current edition, and
answered and unanswered questions from the main school's participant and mentor."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from demo.registry import builders
from programme_support import selectors
from programme_support.demo import build_demo
from programme_support.models import Question, Resource
from qualifications.demo import build_demo as build_qualifications_demo
from qualifications.models import Edition
from qualifications.tests.test_demo import small_world

pytestmark = pytest.mark.django_db


def test_it_registers_the_builder_at_order_36() -> None:
    assert [order for order, name, _ in builders() if name == "programme_support"] == [36]


def test_it_builds_materials_and_answered_and_unanswered_questions() -> None:
    world = small_world()
    build_qualifications_demo(world)
    build_demo(world)
    for edition in Edition.objects.filter(academic_year=world.academic_year):
        kinds = list(Resource.objects.filter(edition=edition).values_list("kind", "module", "training_day"))
        assert len(kinds) == 4 and ("file", None, None) in kinds
        assert any(module for _, module, _ in kinds) and any(day for _, _, day in kinds)
    padlet = Resource.objects.get(
        edition__programme__code="PLQJ",
        edition__academic_year=world.academic_year,
        module__isnull=True,
        training_day__isnull=True,
        kind="link",
    )
    assert padlet.url.startswith("https://padlet.com/")
    participant, mentor = world.users["participant"], world.users["mentor"]
    assert Question.objects.filter(asked_by=participant).count() == 2
    assert Question.objects.filter(asked_by=mentor, first_answered_at__isnull=False).count() == 1
    admin = world.users["programme_admin"]
    now = timezone.make_aware(datetime.datetime.combine(world.today, datetime.time(12)))
    (waiting,) = selectors.awaiting_answer(admin, days=selectors.unanswered_days(), now=now)
    assert waiting.asked_by == participant
    (row,) = selectors.answer_figures(admin, days=selectors.unanswered_days(), now=now)
    assert (row.asked, row.answered, row.overdue) == (3, 2, 1)
