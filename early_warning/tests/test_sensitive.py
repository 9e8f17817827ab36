"""Looked-after and child-protection lines never reach a role that may not know of them: not through the list,
its CSV or Excel export, the weekly digest, nor a review's "needs action"."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from early_warning.models import StudentFactor
from early_warning.tasks import send_weekly_digest
from early_warning.tests.helpers import AT, sessions

pytestmark = pytest.mark.django_db


def _status(world, pupil, status: str) -> None:
    from safeguarding.models import ProtectionStatus

    ProtectionStatus.objects.create(
        organisation=world.school,
        pupil=pupil,
        status=status,
        starts_on=datetime.date(2026, 9, 1),
        recorded_by=world.dsl,
    )


def _build_world():
    """Alice (9A): absent 5 of 10 sessions this week (3 + 2 + 4 = 9) and looked after (3): 12 for the DSL, 9 for
    the rest. Ben (9A): looked after (3) and a young carer (1): 4 for the DSL, flagged; 1 for the rest, not.
    Dan (10A): a child protection plan (3) and a young carer (1): the same."""
    world = build_school_world()
    sessions(world.alice, datetime.date(2026, 11, 23), ["/"] * 5 + ["I"] * 5)
    _status(world, world.alice, "lac")
    _status(world, world.ben, "lac")
    _status(world, world.dan, "cp_plan")
    for pupil in (world.ben, world.dan):
        StudentFactor.objects.create(organisation=world.school, pupil=pupil, young_carer=True)
    return world


world = shared_world(_build_world, at=AT)


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return " ".join(
            book.read(name).decode("utf-8", "replace")
            for name in book.namelist()
            if name.startswith(("xl/worksheets/", "xl/sharedStrings"))
        )


NON_DSL = ("head_of_year9", "head_of_year10", "pal", "senior", "senco", "attendance_officer")


@pytest.mark.parametrize("role", NON_DSL)
def test_the_list_and_its_exports_never_show_a_non_dsl_a_protection_status(world, role):
    client = client_for(getattr(world, role))
    page = client.get(reverse("early_warning:list"))
    shown = {e.pupil.first_name: e.score for e in page.context["page_obj"]}
    assert "Ben" not in shown and "Dan" not in shown
    assert shown.get("Alice", 9) == 9
    texts = [page.content.decode()]
    texts.append(client.get(reverse("early_warning:list"), {"format": "csv"}).content.decode("utf-8-sig"))
    texts.append(_xlsx_text(client.get(reverse("early_warning:list"), {"format": "xlsx"}).content))
    for text in texts:
        lowered = text.lower()
        assert "looked after" not in lowered and "child protection" not in lowered
        assert "child in need" not in lowered
        assert "Ben Baker" not in text and "Dan Dyer" not in text


def test_the_dsl_sees_them_on_the_list_and_the_export(world):
    client = client_for(world.dsl)
    shown = {
        e.pupil.first_name: e.score for e in client.get(reverse("early_warning:list")).context["page_obj"]
    }
    assert shown == {"Alice": 12, "Ben": 4, "Dan": 4}
    exported = client.get(reverse("early_warning:list"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "looked after child: +3" in exported and "child protection plan: +3" in exported


def test_a_role_the_school_shows_the_discreet_flag_to_sees_looked_after_but_not_child_protection(world):
    from safeguarding.models import SafeguardingSettings

    SafeguardingSettings.objects.create(organisation=world.school, flag_roles=["head_of_year"])
    shown = {
        e.pupil.first_name: e.score
        for e in client_for(world.head_of_year9).get(reverse("early_warning:list")).context["page_obj"]
    }
    assert shown == {"Alice": 12, "Ben": 4}


def test_the_digest_never_names_a_protection_status_to_a_pal_or_head_of_year(world):
    send_weekly_digest.call(world.school.pk)
    assert mail.outbox
    for message in mail.outbox:
        body = message.body.lower()
        assert "looked after" not in body and "protection" not in body
        assert "ben b." not in body and "dan d." not in body


def test_a_status_starting_after_a_review_does_not_turn_a_non_dsl_list_back_to_needs_action(world):
    """Cleo (9B), absent 5 of 10 sessions this week (9): a head of year reviews her at 9. A child protection plan
    then starts: the DSL sees 12 > 9, needs action; the head of year still sees 9, reviewed."""
    sessions(world.cleo, datetime.date(2026, 11, 23), ["/"] * 5 + ["I"] * 5)
    head = client_for(world.head_of_year9)
    head.post(
        reverse("early_warning:pupil", args=[world.cleo.pk]),
        {"reviewed_on": "2026-11-27", "note": "Mentor and attendance plan."},
    )
    _status(world, world.cleo, "cp_plan")
    cleo = next(
        e for e in head.get(reverse("early_warning:list")).context["page_obj"] if e.pupil == world.cleo
    )
    assert (cleo.score, cleo.needs_action) == (9, False)
    waiting = head.get(reverse("early_warning:list"), {"action_only": "1"}).context["page_obj"]
    assert world.cleo not in [e.pupil for e in waiting]
    dsl = next(
        e
        for e in client_for(world.dsl).get(reverse("early_warning:list")).context["page_obj"]
        if e.pupil == world.cleo
    )
    assert (dsl.score, dsl.needs_action) == (12, True)
