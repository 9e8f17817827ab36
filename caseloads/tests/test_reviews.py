"""Learning and Progress Reviews in the eLLP: review windows and due/overdue, figures frozen at the review, SMART
targets, progress on earlier targets, the lock and addenda, completion, and who may read and write."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance.tests.helpers import mark
from caseloads import selectors, services
from caseloads.models import Addendum, Review, ReviewWindow, TargetProgress
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 18)


world = shared_world(at=datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC))


def _windows(world):
    return services.windows_for(world.school, services.academic_year_for(TODAY))


SMART = {
    "specific": "Arrive before 8:45 every day",
    "measure": "Late marks on the register",
    "baseline": "Late to 6 sessions last half term",
    "achievable": "Takes the earlier bus with a friend",
    "result": "Hears the start of every lesson",
    "due_on": datetime.date(2027, 2, 12),
}


def _signed(world, pupil, window, held_on):
    review = services.review_start(actor=world.pal, pupil=pupil, window=window, held_on=held_on)
    services.review_update(actor=world.pal, review=review, student_voice="", comment="Good term", risk="low")
    return services.review_sign_off(actor=world.pal, review=review)


def test_it_records_four_default_windows_one_a_term_plus_one(world):
    spans = [(w.number, w.opens_on, w.closes_on) for w in _windows(world)]
    assert spans == [
        (1, datetime.date(2026, 9, 1), datetime.date(2026, 10, 31)),
        (2, datetime.date(2026, 11, 1), datetime.date(2026, 12, 31)),
        (3, datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
        (4, datetime.date(2027, 4, 1), datetime.date(2027, 7, 31)),
    ]
    assert len(_windows(world)) == 4  # recorded once, not again


def test_it_refuses_overlapping_windows_naming_the_field(world):
    first, second = _windows(world)[:2]
    with pytest.raises(ValidationError) as error:
        services.window_save(
            actor=world.senior,
            window=second,
            opens_on=datetime.date(2026, 10, 20),
            closes_on=second.closes_on,
        )
    assert "opens_on" in error.value.message_dict
    assert first.closes_on == datetime.date(2026, 10, 31)


def test_it_lists_due_in_progress_and_overdue_by_hand(world):
    first, second = _windows(world)[:2]
    _signed(world, world.alice, first, datetime.date(2026, 10, 14))  # window 1 done
    services.review_start(actor=world.pal, pupil=world.ben, window=first, held_on=datetime.date(2026, 10, 20))
    services.review_start(actor=world.pal, pupil=world.alice, window=second, held_on=TODAY)  # a draft
    status = selectors.reviews_status([world.group_9a, world.group_10a], TODAY)
    assert status["window"] == second

    def who(rows):
        return sorted((r["pupil_id"], r["window"].number) for r in rows)

    # Window 1 closed on 31 Oct: Ben's draft and Dan's missing review are overdue; Alice's signed one is not.
    assert who(status["overdue"]) == sorted([(world.ben.pk, 1), (world.dan.pk, 1)])
    assert who(status["due"]) == sorted([(world.ben.pk, 2), (world.dan.pk, 2)])
    assert who(status["in_progress"]) == [(world.alice.pk, 2)]


def test_it_freezes_attendance_and_punctuality_at_the_review(world):
    second = _windows(world)[1]
    for day, session, code in [
        (2, "AM", "/"),
        (2, "PM", "/"),
        (3, "AM", "L"),
        (3, "PM", "U"),
        (4, "AM", "I"),
    ]:
        mark(
            world.alice,
            datetime.date(2026, 11, day),
            session,
            code,
            minutes_late=10 if code in "LU" else None,
        )
    review = services.review_start(actor=world.pal, pupil=world.alice, window=second, held_on=TODAY)
    # 5 possible sessions; attended /, /, L = 3 (60.0%); late L and U = 2.
    assert (review.possible_sessions, review.attended_sessions, review.late_sessions) == (5, 3, 2)
    assert str(review.attendance_rate) == "60.0"
    assert review.behaviour == {"negative": 0, "positive": 0, "serious": 0, "suspensions": 0, "internal": 0}
    assert review.support_plan_status == ""
    mark(world.alice, datetime.date(2026, 11, 4), "PM", "O")
    review.refresh_from_db()
    assert review.possible_sessions == 5


def test_it_refuses_a_target_missing_a_smart_element_naming_it(world):
    review = services.review_start(
        actor=world.pal, pupil=world.alice, window=_windows(world)[1], held_on=TODAY
    )
    with pytest.raises(ValidationError) as error:
        services.target_add(actor=world.pal, review=review, **{**SMART, "baseline": "  "})
    assert "baseline" in error.value.messages[0]


def test_it_judges_progress_on_earlier_targets_only(world):
    first, second = _windows(world)[:2]
    earlier = services.review_start(
        actor=world.pal, pupil=world.alice, window=first, held_on=datetime.date(2026, 10, 14)
    )
    target = services.target_add(actor=world.pal, review=earlier, **SMART)
    now = services.review_start(actor=world.pal, pupil=world.alice, window=second, held_on=TODAY)
    assert services.previous_targets(now) == [target]
    services.progress_record(actor=world.pal, review=now, ratings={target.pk: ("partly", "Late twice")})
    assert TargetProgress.objects.get(review=now, target=target).rating == "partly"
    own = services.target_add(actor=world.pal, review=now, **SMART)
    with pytest.raises(ValidationError):
        services.progress_record(actor=world.pal, review=now, ratings={own.pk: ("met", "")})


def test_it_locks_a_signed_off_review_and_takes_addenda_with_who_and_when(world):
    review = services.review_start(
        actor=world.pal, pupil=world.alice, window=_windows(world)[1], held_on=TODAY
    )
    with pytest.raises(ValidationError) as error:
        services.review_sign_off(actor=world.pal, review=review)
    assert "comment" in error.value.messages[0] and "risk" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.addendum_add(actor=world.pal, review=review, text="Too early")
    services.review_update(
        actor=world.pal, review=review, student_voice="I like art", comment="Fine", risk="low"
    )
    services.review_sign_off(actor=world.pal, review=review)
    client = client_for(world.pal)
    client.post(reverse("caseloads:review_save", args=[review.pk]), {"comment": "Changed", "risk": "high"})
    client.post(
        reverse("caseloads:target_add", args=[review.pk]), {f"target-{k}": v for k, v in SMART.items()}
    )
    review.refresh_from_db()
    assert (review.comment, review.risk, review.targets.count()) == ("Fine", "low", 0)
    client.post(reverse("caseloads:addendum_add", args=[review.pk]), {"text": "Mum rang: moving house"})
    addendum = Addendum.objects.get(review=review)
    assert (addendum.written_by, addendum.text) == (world.pal, "Mum rang: moving house")
    assert addendum.written_at is not None


def test_it_completes_a_review_through_the_pages(world):
    second = _windows(world)[1]
    client = client_for(world.pal)
    started = client.post(
        reverse("caseloads:review_start", args=[world.alice.pk]),
        {"window": second.pk, "held_on": "2026-11-18"},
    )
    review = Review.objects.get(pupil=world.alice, window=second)
    assert started.status_code == 302
    missing = client.post(
        reverse("caseloads:target_add", args=[review.pk]), {"target-specific": "Be on time"}
    )
    assert "measure" in missing.context["target_form"].errors
    for n in (1, 2):
        data = {f"target-{k}": v for k, v in SMART.items()} | {"target-specific": f"Target {n}"}
        assert client.post(reverse("caseloads:target_add", args=[review.pk]), data).status_code == 302
    client.post(
        reverse("caseloads:action_add", args=[review.pk]),
        {"action-action": "Ring home weekly", "action-owner": "Paul Pal", "action-due_on": "2026-12-11"},
    )
    client.post(
        reverse("caseloads:review_save", args=[review.pk]),
        {"student_voice": "Buses are hard", "comment": "Improving", "risk": "medium"},
    )
    client.post(reverse("caseloads:sign_off", args=[review.pk]))
    review.refresh_from_db()
    assert review.is_locked and review.targets.count() == 2 and review.actions.count() == 1
    assert selectors.completion(second, [world.group_9a, world.group_10a])["pct"] == 33  # 1 of 3 students


def test_it_reports_completion_per_pal_group_and_year(world):
    second = _windows(world)[1]
    _signed(world, world.alice, second, TODAY)
    _signed(world, world.cleo, second, TODAY)  # 9B: on no caseload
    response = client_for(world.senior).get(reverse("caseloads:completion"))
    by_pal = {r["user"].full_name: (r["done"], r["students"], r["pct"]) for r in response.context["by_pal"]}
    assert by_pal["Paul Pal"] == (1, 3, 33)
    by_year = {r["year_group"]: (r["done"], r["students"]) for r in response.context["by_year"]}
    assert by_year == {9: (2, 3), 10: (0, 1)}
    mine = client_for(world.pal).get(reverse("caseloads:completion"))
    assert [(r["group"].name, r["done"], r["students"]) for r in mine.context["by_group"]] == [
        ("9A", 1, 2),
        ("10A", 0, 1),
    ]
    assert client_for(world.tutor).get(reverse("caseloads:completion")).status_code == 403


REVIEW_URLS = [
    "caseloads:review",
    "caseloads:review_save",
    "caseloads:progress_save",
    "caseloads:target_add",
    "caseloads:action_add",
    "caseloads:sign_off",
    "caseloads:addendum_add",
]


@outsider_test("caseloads:ellp", "caseloads:review_start", "caseloads:window_edit", *REVIEW_URLS)
def test_it_hides_the_ellp_from_another_school(world):
    review = services.review_start(
        actor=world.pal, pupil=world.alice, window=_windows(world)[1], held_on=TODAY
    )
    client = client_for(world.outsider)
    assert_outsider_404(client, reverse("caseloads:ellp", args=[world.alice.pk]))
    assert_outsider_404(client, reverse("caseloads:review_start", args=[world.alice.pk]), "post")
    assert_outsider_404(client, reverse("caseloads:window_edit", args=[review.window_id]))
    for name in REVIEW_URLS:
        method = "get" if name == "caseloads:review" else "post"
        assert_outsider_404(client, reverse(name, args=[review.pk]), method)


def test_it_gives_the_ellp_to_the_pal_head_of_year_and_senior_leader_only(world):
    review = services.review_start(
        actor=world.pal, pupil=world.alice, window=_windows(world)[1], held_on=TODAY
    )
    ellp = reverse("caseloads:ellp", args=[world.alice.pk])
    for user, code in [
        (world.pal, 200),
        (world.head_of_year9, 200),
        (world.senior, 200),
        (world.head_of_year10, 403),
        (world.tutor, 403),
        (world.dsl, 403),
    ]:
        assert client_for(user).get(ellp).status_code == code, user.full_name
    assert client_for(world.pal).get(reverse("caseloads:ellp", args=[world.cleo.pk])).status_code == 403
    for name in REVIEW_URLS[1:]:
        assert client_for(world.head_of_year10).post(reverse(name, args=[review.pk])).status_code == 403
    assert (
        client_for(world.pal).get(reverse("caseloads:window_edit", args=[review.window_id])).status_code
        == 403
    )


def test_it_lists_the_pals_reviews_due(world):
    response = client_for(world.pal).get(reverse("caseloads:reviews_due"))
    assert sorted(r["pupil"].display_name for r in response.context["page_obj"]) == [
        "Alice Archer",
        "Ben Baker",
        "Dan Dyer",
    ]
    overdue = client_for(world.pal).get(reverse("caseloads:reviews_due"), {"show": "overdue"})
    assert len(overdue.context["page_obj"].object_list) == 3  # window 1 closed with no review at all
    assert ReviewWindow.objects.filter(organisation=world.school).count() == 4
