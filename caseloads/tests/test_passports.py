"""Passports and progression, and the parents' evening list: the school's checklists, a student's items with
evidence, completion per group and caseload computed by hand, progression on the eLLP, each student's headline
figures, and who may do what (PAL, other PAL, head of year, senior leader, outsider)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.middleware import SESSION_KEY
from access.roles import Role
from attendance.tests.helpers import mark
from caseloads import selectors_passports as selectors
from caseloads import services as caseload_services
from caseloads.models import PassportCompletion, Progression
from caseloads.services import passports as services
from core.testing.factories import GroupFactory, GroupMembershipFactory, RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import _staff, build_school_world, client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 18)


def _build_world():
    world = build_school_world()
    world.other_pal = _staff(world.school, "pia@oakfield.test", "Pia Pal", Role.PAL, group=world.group_9b)
    world.passport = services.passport_save(
        actor=world.senior, organisation=world.school, name="Progression Passport"
    )
    world.items = [
        services.passport_item_add(actor=world.senior, passport=world.passport, title=t)
        for t in ("Careers interview", "CV written", "Open day visited")
    ]
    return world


world = shared_world(_build_world, at=datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC))


def _done(world, pupil, *items, actor=None):
    for item in items:
        services.passport_item_complete(actor=actor or world.pal, item=item, pupil=pupil, completed_on=TODAY)


def test_a_senior_leader_sets_up_a_passport_by_form_and_names_are_unique(world):
    client = client_for(world.senior)
    response = client.post(reverse("caseloads:passports"), {"name": "Employability Seal"})
    seal = world.passport.__class__.objects.get(name="Employability Seal")
    assert response.url == reverse("caseloads:passport", args=[seal.pk])
    client.post(reverse("caseloads:passport", args=[seal.pk]), {"title": "Mock interview"})
    assert [i.title for i in seal.items.all()] == ["Mock interview"]
    response = client.post(reverse("caseloads:passport", args=[seal.pk]), {"title": "mock interview"})
    assert "title" in response.context["form"].errors
    response = client.post(reverse("caseloads:passports"), {"name": "progression passport"})
    assert "name" in response.context["form"].errors
    for user in (world.pal, world.head_of_year9, world.tutor):
        assert client_for(user).get(reverse("caseloads:passports")).status_code == 403
        assert client_for(user).get(reverse("caseloads:passport", args=[seal.pk])).status_code == 403


def test_a_pal_records_an_item_with_evidence_and_can_take_it_back(world):
    client = client_for(world.pal)
    item = world.items[1]
    url = reverse("caseloads:student_passports", args=[world.alice.pk])
    client.post(
        url, {"item": item.pk, f"i{item.pk}-completed_on": "2026-11-17", f"i{item.pk}-evidence": "CV seen"}
    )
    done = PassportCompletion.objects.get()
    assert (done.pupil, done.item, done.completed_on, done.evidence) == (
        world.alice,
        item,
        datetime.date(2026, 11, 17),
        "CV seen",
    )
    page = client.get(url)
    assert page.context["checklists"][0]["done"] == 1 and page.context["checklists"][0]["pct"] == 33
    assert client.get(reverse("caseloads:ellp", args=[world.alice.pk])).context["checklists"][0]["done"] == 1
    client.post(reverse("caseloads:passport_completion_remove", args=[done.pk]))
    assert not PassportCompletion.objects.exists()


def test_a_missing_date_records_nothing(world):
    item = world.items[0]
    client_for(world.pal).post(
        reverse("caseloads:student_passports", args=[world.alice.pk]), {"item": item.pk}
    )
    assert not PassportCompletion.objects.exists()


def test_completion_per_group_and_caseload_by_hand(world):
    """9A: Alice 3 of 3, Ben 1 of 3 → 4 of 6 items (67%), 1 of 2 complete (50%). 10A: Dan 0 of 3 → 0 of 3 (0%).
    The caseload: 4 of 9 items (44%), 1 of 3 students complete (33%)."""
    _done(world, world.alice, *world.items)
    _done(world, world.ben, world.items[0])
    _done(world, world.cleo, *world.items, actor=world.other_pal)  # 9B: not this PAL's
    table = selectors.passport_completion([world.group_9a, world.group_10a], TODAY)
    g9a, g10a = (row["cells"][0] for row in table["rows"])
    assert (g9a["done"], g9a["possible"], g9a["pct"], g9a["complete"], g9a["complete_pct"]) == (
        4,
        6,
        67,
        1,
        50,
    )
    assert (g10a["done"], g10a["possible"], g10a["pct"], g10a["complete"]) == (0, 3, 0, 0)
    total = table["total"][0]
    assert (total["done"], total["possible"], total["pct"], total["complete"], total["complete_pct"]) == (
        4,
        9,
        44,
        1,
        33,
    )
    page = client_for(world.pal).get(reverse("caseloads:passport_completion"))
    assert [r["group"] for r in page.context["table"]["rows"]] == [world.group_9a, world.group_10a]
    leader = client_for(world.senior).get(reverse("caseloads:passport_completion"))
    assert leader.context["table"]["total"][0]["done"] == 7


def test_the_passports_page_offers_completion_only_to_those_with_groups_to_show(world):
    completion = reverse("caseloads:passport_completion")
    assert completion in client_for(world.senior).get(reverse("caseloads:passports")).content.decode()
    # The school administrator manages the passports but reads no group's completion.
    admin_page = client_for(world.admin).get(reverse("caseloads:passports"))
    assert admin_page.status_code == 200 and completion not in admin_page.content.decode()
    assert client_for(world.admin).get(completion).status_code == 403


def test_it_shows_a_leader_who_is_a_pal_at_another_school_this_schools_completion(world):
    """A senior leader at Oakfield who is also a PAL at Riverside sees Oakfield's groups there, not a 403."""
    riverside_group = GroupFactory(organisation=world.other_school, name="R1", year_group=9)
    RoleFactory(organisation=world.other_school, user=world.senior, role=Role.PAL, group=riverside_group)
    client = client_for(world.senior)
    session = client.session
    session[SESSION_KEY] = world.school.pk
    session.save()
    completion = reverse("caseloads:passport_completion")
    assert completion in client.get(reverse("caseloads:passports")).content.decode()
    page = client.get(completion)
    assert page.status_code == 200
    assert [r["group"] for r in page.context["table"]["rows"]] == [
        world.group_9a,
        world.group_9b,
        world.group_10a,
    ]


def test_progression_targets_and_destination_on_the_ellp(world):
    client = client_for(world.pal)
    url = reverse("caseloads:progression", args=[world.alice.pk])
    response = client.post(url, {"destination": "Level 3 Engineering"})
    assert "destination_status" in response.context["form"].errors
    client.post(
        url,
        {
            "targets": "Apply by January",
            "destination": "Level 3 Engineering",
            "destination_status": "intended",
        },
    )
    client.post(
        url,
        {
            "targets": "Apply by January",
            "destination": "Level 3 Engineering",
            "destination_status": "confirmed",
        },
    )
    row = Progression.objects.get()
    assert (row.destination_status, row.updated_by) == ("confirmed", world.pal)
    assert client.get(reverse("caseloads:ellp", args=[world.alice.pk])).context["progression"] == row


def test_the_parents_evening_list_gives_each_students_headline_figures(world):
    """Alice: /, /, L, U, I → attended 3 of 5 (60.0%), late 2. A signed-off review rating a high risk."""
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
    window = caseload_services.windows_for(world.school, caseload_services.academic_year_for(TODAY))[1]
    review = caseload_services.review_start(actor=world.pal, pupil=world.alice, window=window, held_on=TODAY)
    caseload_services.review_update(
        actor=world.pal, review=review, student_voice="", comment="x", risk="high"
    )
    response = client_for(world.pal).get(reverse("caseloads:parents_evening", args=[world.group_9a.pk]))
    rows = {r["pupil"]: r for r in response.context["rows"]}
    alice, ben = rows[world.alice], rows[world.ben]
    assert (alice["attendance"], alice["late"], alice["review"], alice["open_targets"]) == (
        60.0,
        2,
        review,
        0,
    )
    assert "Risk of withdrawal: high" in alice["concerns"]
    assert "Persistent absence (10% or more)" in alice["concerns"]
    assert (ben["attendance"], ben["late"], ben["review"], ben["concerns"]) == (None, 0, None, [])
    assert b"print.css" in response.content


def test_the_parents_evening_list_costs_the_same_queries_for_more_students(world):
    """Behaviour is read for the whole group at once (behaviour.selectors.behaviour_summaries), not per student."""
    selectors.parents_evening(world.group_9a, TODAY)  # the first read records the academic year
    with CaptureQueriesContext(connection) as two:
        assert len(selectors.parents_evening(world.group_9a, TODAY)) == 2
    for _ in range(3):
        GroupMembershipFactory(group=world.group_9a, starts_on=datetime.date(2026, 9, 1))
    with CaptureQueriesContext(connection) as five:
        assert len(selectors.parents_evening(world.group_9a, TODAY)) == 5
    assert len(five) == len(two)


def test_who_reads_and_writes_passports_progression_and_the_list(world):
    student = reverse("caseloads:student_passports", args=[world.alice.pk])
    progression = reverse("caseloads:progression", args=[world.alice.pk])
    evening = reverse("caseloads:parents_evening", args=[world.group_9a.pk])
    for user in (world.pal, world.head_of_year9, world.senior):
        client = client_for(user)
        assert [client.get(u).status_code for u in (student, progression, evening)] == [200, 200, 200]
    for user in (world.other_pal, world.head_of_year10, world.tutor):
        client = client_for(user)
        assert [client.get(u).status_code for u in (student, progression, evening)] == [403, 403, 403]
    with pytest.raises(PermissionDenied):
        services.passport_item_complete(
            actor=world.other_pal, item=world.items[0], pupil=world.alice, completed_on=TODAY
        )
    _done(world, world.alice, world.items[0])
    done = PassportCompletion.objects.get()
    response = client_for(world.other_pal).post(
        reverse("caseloads:passport_completion_remove", args=[done.pk])
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError):
        services.progression_save(actor=world.pal, pupil=world.alice, destination_status="intended")


@outsider_test(
    "caseloads:passport",
    "caseloads:student_passports",
    "caseloads:passport_completion_remove",
    "caseloads:progression",
    "caseloads:parents_evening",
)
def test_it_hides_passports_and_lists_from_another_school(world):
    _done(world, world.alice, world.items[0])
    done = PassportCompletion.objects.get()
    client = client_for(world.outsider)
    assert_outsider_404(client, reverse("caseloads:passport", args=[world.passport.pk]))
    assert_outsider_404(client, reverse("caseloads:student_passports", args=[world.alice.pk]))
    assert_outsider_404(
        client, reverse("caseloads:passport_completion_remove", args=[done.pk]), method="post"
    )
    assert_outsider_404(client, reverse("caseloads:progression", args=[world.alice.pk]))
    assert_outsider_404(client, reverse("caseloads:parents_evening", args=[world.group_9a.pk]))
