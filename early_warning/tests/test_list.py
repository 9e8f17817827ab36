"""The list and a student's explanation: the combined score line by line, scopes, reviews, exports, access, and
sensitive indicators kept from roles that may not know of them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.factories import GroupFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from early_warning.models import Review, WarningSettings
from early_warning.tests.helpers import AT, grades, on_cp_plan_with_ehcp, sessions

pytestmark = pytest.mark.django_db


def _build_world():
    world = build_school_world()
    # Alice: 17 of 20 sessions (85.0%), below target in 2 of 2 courses: 3 + 2 + 2 = 7.
    sessions(world.alice, datetime.date(2026, 11, 16), ["I", "I", "O"] + ["/"] * 17)  # flagged last week too
    grades(world.alice, {"MA": [-1, -1], "EN": [-2, -2]})
    # Cleo (9B): a child protection plan (3) and an EHC plan (2): 5 for the DSL, 2 for a head of year.
    on_cp_plan_with_ehcp(world.cleo, world.dsl)
    # Dan (10A): absent 5 of 10 sessions, all this week, so new since last week: 3 + 2 + 4 = 9.
    sessions(world.dan, datetime.date(2026, 11, 23), ["/"] * 5 + ["I"] * 5)
    return world


world = shared_world(_build_world, at=AT)


def test_it_explains_the_combined_score_line_by_line(world):
    page = (
        client_for(world.head_of_year9)
        .get(reverse("early_warning:pupil", args=[world.alice.pk]))
        .content.decode()
    )
    assert "attendance 85.0% this year (below 90.0%): +3" in page
    assert "absent 3 of 20 sessions this year (15.0%, 10% or more): +2" in page
    assert "below target in 2 of 2 courses at Autumn 2 (2 or more): +2" in page
    assert "Score 7" in page


def test_it_lists_a_head_of_year_their_year_highest_score_first(world):
    response = client_for(world.head_of_year9).get(reverse("early_warning:list"))
    entries = list(response.context["page_obj"])
    assert [(e.pupil.first_name, e.score) for e in entries] == [("Alice", 7)]


def test_it_keeps_child_protection_from_a_head_of_year_in_the_list_page_and_export(world):
    """Cleo scores 5 for the DSL (CP 3 + EHCP 2) and is flagged; a head of year sees only the EHC plan (2), so
    Cleo is not on their list at all, and no page or export they get names the plan."""
    dsl = client_for(world.dsl).get(reverse("early_warning:list"))
    assert {(e.pupil.first_name, e.score) for e in dsl.context["page_obj"]} >= {("Cleo", 5)}
    head = client_for(world.head_of_year9)
    listed = head.get(reverse("early_warning:list"))
    assert "Cleo" not in listed.content.decode()
    exported = head.get(reverse("early_warning:list"), {"format": "csv"}).content.decode()
    assert "protection" not in exported.lower() and "Cleo" not in exported
    page = head.get(reverse("early_warning:pupil", args=[world.cleo.pk])).content.decode()
    assert "education, health and care plan: +2" in page
    assert "protection" not in page.lower() and "Score 2" in page


def test_it_keeps_sen_from_the_attendance_officer(world):
    page = client_for(world.attendance_officer).get(reverse("early_warning:pupil", args=[world.cleo.pk]))
    text = page.content.decode()
    assert "health and care plan" not in text and "protection" not in text.lower()
    assert page.context["entry"].score == 0


def test_it_highlights_students_new_to_the_list_since_last_week(world):
    entries = {
        e.pupil.first_name: e
        for e in client_for(world.senior).get(reverse("early_warning:list")).context["page_obj"]
    }
    assert entries["Dan"].is_new and not entries["Alice"].is_new
    assert entries["Dan"].score == 9


def test_it_narrows_to_a_pal_caseload_year_and_group(world):
    pal = client_for(world.pal)
    names = lambda r: {e.pupil.first_name for e in r.context["page_obj"]}  # noqa: E731
    assert names(pal.get(reverse("early_warning:list"), {"scope": "caseload"})) == {"Alice", "Dan"}
    senior = client_for(world.senior)
    assert names(senior.get(reverse("early_warning:list"), {"year": "10"})) == {"Dan"}
    assert names(senior.get(reverse("early_warning:list"), {"group": world.group_9a.pk})) == {"Alice"}


def test_it_marks_a_student_reviewed_until_their_score_rises(world):
    client = client_for(world.head_of_year9)
    url = reverse("early_warning:pupil", args=[world.alice.pk])
    response = client.post(url, {"reviewed_on": "2026-11-27", "note": "Mentor twice a week; maths catch-up."})
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.score, review.reviewed_by) == (7, world.head_of_year9)
    entry = next(e for e in client.get(reverse("early_warning:list")).context["page_obj"])
    assert not entry.needs_action
    sessions(world.alice, datetime.date(2026, 11, 30), [])  # nothing new: still reviewed
    from early_warning.models import StudentFactor

    StudentFactor.objects.create(organisation=world.school, pupil=world.alice, young_carer=True)
    entry = next(e for e in client.get(reverse("early_warning:list")).context["page_obj"])
    assert entry.needs_action and entry.full_score == 8


def test_it_refuses_a_review_dated_in_the_future(world):
    client = client_for(world.head_of_year9)
    response = client.post(
        reverse("early_warning:pupil", args=[world.alice.pk]), {"reviewed_on": "2026-12-01", "note": "x"}
    )
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    assert not Review.objects.exists()


def test_it_exports_the_list_as_xlsx(world):
    response = client_for(world.senior).get(reverse("early_warning:list"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    # Filed under the school, so its own audit log shows who took the list out.
    assert AuditEvent.objects.filter(
        action="export", note__contains="early-warning", organisation_id=world.school.pk
    ).exists()


@outsider_test("early_warning:pupil")
def test_it_hides_a_student_from_another_school(world):
    assert_outsider_404(client_for(world.outsider), reverse("early_warning:pupil", args=[world.alice.pk]))
    assert_outsider_404(
        client_for(world.outsider),
        reverse("early_warning:pupil", args=[world.alice.pk]),
        "post",
        {"note": "x"},
    )


def test_it_refuses_wrong_roles(world):
    assert (
        client_for(world.head_of_year10)
        .get(reverse("early_warning:pupil", args=[world.alice.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(world.tutor).get(reverse("early_warning:pupil", args=[world.alice.pk])).status_code == 403
    )
    assert client_for(world.tutor).get(reverse("early_warning:list")).status_code == 403
    assert client_for(world.head_of_year9).get(reverse("early_warning:settings")).status_code == 403


def test_it_previews_and_saves_settings_with_an_audit_record(world):
    client = client_for(world.senior)
    page = client.get(reverse("early_warning:settings"))
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data["flag_at"] = 8  # only Dan (9) reaches 8; Alice has 7
    preview = client.post(reverse("early_warning:settings"), {**data, "action": "preview"})
    assert preview.context["preview"]["current"] == 3 and preview.context["preview"]["proposed"] == 1
    # Cleo's EHC plan is counted; her child protection plan is the DSL's to know, so its count is left out.
    counts = preview.context["preview"]["per_indicator"]
    assert counts["ehcp"] == 1 and counts["child_protection"] == "—"
    assert not WarningSettings.objects.exists()
    client.post(reverse("early_warning:settings"), {**data, "action": "save"})
    assert WarningSettings.objects.get().values == {"flag_at": 8}
    assert AuditEvent.objects.filter(object_type="early_warning.WarningSettings").exists()


def test_it_audits_a_dsl_reading_a_protection_status_on_the_explanation(world):
    client_for(world.dsl).get(reverse("early_warning:pupil", args=[world.cleo.pk]))
    client_for(world.head_of_year9).get(reverse("early_warning:pupil", args=[world.cleo.pk]))
    reads = AuditEvent.objects.filter(action="read", object_id=str(world.cleo.pk))
    assert [e.actor for e in reads] == [world.dsl]


def test_it_sorts_equal_scores_by_the_name_shown_and_makes_a_record_only_for_a_student_shown(
    world, django_assert_num_queries
):
    """A trust's list sorts and counts thousands of flagged students but shows fifty a page: it sorts on their
    plain rows (the preferred name when there is one) and makes a student's record when their entry is read."""
    from access.permissions import visible_pupils
    from early_warning.selectors import list_entries

    # Ben scores what Alice scores (7); his preferred surname sorts him before Alice Archer.
    sessions(world.ben, datetime.date(2026, 11, 16), ["I", "I", "O"] + ["/"] * 17)
    grades(world.ben, {"MA": [-1, -1], "EN": [-2, -2]})
    world.ben.preferred_last_name = "Aaronson"
    world.ben.save()
    entries = list_entries(world.dsl, [world.school], AT.date(), visible_pupils(world.dsl))
    assert all(e.shown_pupil is None for e in entries)
    assert [(e.score, e.row[0]) for e in entries][:3] == [
        (9, world.dan.pk),
        (7, world.ben.pk),
        (7, world.alice.pk),
    ]
    with django_assert_num_queries(0):  # the record is made from the row, its school the one already loaded
        ben = entries[1].pupil
        assert (ben.pk, ben.display_name, ben.year_group) == (world.ben.pk, "Ben Aaronson", 9)
        assert ben.organisation.name == world.school.name
    assert [line.label for line in entries[1].lines] == [line.label for line in entries[2].lines]


def test_it_says_each_line_of_the_explanation_once(world):
    """Alice's page gives each indicator's evidence and points once (a table and a list repeated them)."""
    page = (
        client_for(world.head_of_year9)
        .get(reverse("early_warning:pupil", args=[world.alice.pk]))
        .content.decode()
    )
    assert page.count("attendance 85.0% this year (below 90.0%)") == 1
    assert page.count("below target in 2 of 2 courses at Autumn 2 (2 or more)") == 1


def test_it_offers_the_groups_filter_in_natural_order(world):
    """Tutor groups 10A, 9A, 9B and 7C read 7C, 9A, 9B, 10A in the filter (as text, 10A came first)."""
    GroupFactory(organisation=world.school, name="7C", year_group=7)
    response = client_for(world.senior).get(reverse("early_warning:list"))
    names = [g.name for g in response.context["groups"]]
    assert names.index("7C") < names.index("9A") < names.index("10A")
