"""Progress against target per student and per year, group and course, with the trend over points."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from early_warning.tests.helpers import grades

pytestmark = pytest.mark.django_db


def _build_world():
    world = build_school_world()
    grades(world.alice, {"MA": [0, -1], "EN": [1, 1]})
    grades(world.cleo, {"MA": [-2, 0]})
    grades(world.dan, {"MA": [-1, -1]})
    return world


world = shared_world(_build_world)


def test_it_shows_a_student_each_course_at_each_point_with_the_trend(world):
    response = client_for(world.tutor).get(reverse("achievement:pupil", args=[world.alice.pk]))
    rows = {r["course"].code: r for r in response.context["rows"]}
    assert [c.difference for c in rows["MA"]["cells"]] == [0, -1] and rows["MA"]["trend"] == -1
    assert rows["EN"]["trend"] == 0
    assert "Down 1" in response.content.decode()


def test_it_sums_a_year_per_assessment_point(world):
    """Year 9 (Alice, Cleo): Autumn 1 has 3 results, 2 at or above target (0, +1), mean (0+1−2)/3 = −1/3;
    Autumn 2 has 3, 2 on target (+1, 0), mean (−1+1+0)/3 = 0."""
    response = client_for(world.head_of_year9).get(reverse("achievement:progress"), {"year": 9})
    trend = response.context["trend"]
    assert [(t["name"], t["results"], t["on_target"]) for t in trend] == [
        ("Autumn 1", 3, 2),
        ("Autumn 2", 3, 2),
    ]
    assert round(trend[0]["mean"], 3) == -0.333 and trend[1]["mean"] == 0
    students = {r["pupil"].first_name: r for r in response.context["page_obj"]}
    assert set(students) == {"Alice", "Cleo"}
    assert students["Cleo"]["change"] == 2 and students["Alice"]["below"] == 1


def test_it_shows_a_tutor_only_their_group(world):
    response = client_for(world.tutor).get(reverse("achievement:progress"))
    assert {r["pupil"].first_name for r in response.context["page_obj"]} == {"Alice"}


def test_it_filters_by_course_and_group(world):
    from achievement.models import Course

    maths = Course.objects.get(code="MA")
    response = client_for(world.senior).get(
        reverse("achievement:progress"), {"course": maths.pk, "group": world.group_9a.pk}
    )
    assert [t["results"] for t in response.context["trend"]] == [1, 1]


@outsider_test("achievement:pupil")
def test_it_hides_a_student_from_another_school(world):
    assert_outsider_404(client_for(world.outsider), reverse("achievement:pupil", args=[world.alice.pk]))


def test_it_refuses_roles_that_do_not_work_with_the_pupil(world):
    assert (
        client_for(world.head_of_year10).get(reverse("achievement:pupil", args=[world.alice.pk])).status_code
        == 403
    )
    assert (
        client_for(world.cpd_coordinator).get(reverse("achievement:pupil", args=[world.alice.pk])).status_code
        == 403
    )
    assert client_for(world.cpd_coordinator).get(reverse("achievement:progress")).status_code == 403
