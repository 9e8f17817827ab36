"""KCSIE: a saved concern, decision or chronology entry is never edited or deleted; corrections are new records."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from safeguarding import models, selectors, services
from safeguarding.models import Concern, ImmutableRecord

from .helpers import act, concern_data, decide, log, stepped_up

pytestmark = pytest.mark.django_db


world = shared_world()


def _records(world):
    concern = log(world)
    decision = decide(world, concern)
    action = act(world, concern, "Check in")
    entry = services.entry_add(
        actor=world.dsl,
        pupil=world.alice,
        kind="contact",
        occurred_on=timezone.localdate(),
        summary="Called mum.",
    )
    status = services.status_set(
        actor=world.dsl, pupil=world.alice, status="cin", starts_on=timezone.localdate()
    )
    return [concern, decision, action, entry, status]


def test_it_refuses_to_save_a_changed_record(world):
    """Saving again a concern, decision, action, its completion, a link, a chronology entry or a status raises."""
    for record in _records(world):
        record.refresh_from_db()
        with pytest.raises(ImmutableRecord):
            record.save()


def test_it_refuses_to_delete_a_record(world):
    """Deleting one record, or a queryset of them, raises; the rows stay."""
    for record in _records(world):
        with pytest.raises(ImmutableRecord):
            record.delete()
        with pytest.raises(ImmutableRecord):
            type(record).objects.filter(pk=record.pk).delete()
        with pytest.raises(ImmutableRecord):
            type(record).objects.filter(pk=record.pk).update(organisation=world.other_school)
        assert type(record).objects.filter(pk=record.pk).exists()


def test_it_keeps_a_concern_when_its_pupil_would_be_deleted(world):
    """A pupil with a safeguarding record cannot be deleted from under it (PROTECT)."""
    from django.db.models import ProtectedError

    log(world)
    with pytest.raises(ProtectedError):
        world.alice.delete()


def test_it_does_not_register_the_records_in_the_admin():
    """No safeguarding model is in the Django admin, so nobody edits or deletes one there."""
    for model in (
        models.Concern,
        models.Decision,
        models.Action,
        models.ChronologyEntry,
        models.ProtectionStatus,
    ):
        assert not admin.site.is_registered(model)


def test_it_offers_no_url_that_edits_or_deletes():
    """The app's URLs add records and corrections only: none edits or deletes."""
    from safeguarding.urls import urlpatterns

    names = {p.name for p in urlpatterns}
    assert not {n for n in names if "edit" in n.replace("settings", "") or "delete" in n}


def test_it_records_a_correction_as_a_new_concern_and_keeps_both(world):
    """The tutor corrects the location: a new concern linked to the original, which is unchanged."""
    original = log(world)
    data = concern_data(location="Canteen, not the form room", correction_reason="Wrong place")
    data["happened_at"] = timezone.localtime(original.happened_at).strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.tutor).post(reverse("safeguarding:concern_correct", args=[original.pk]), data)
    correction = Concern.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302
    assert correction.corrects == original and correction.location == "Canteen, not the form room"
    original.refresh_from_db()
    assert original.location == "Form room"
    page = (
        stepped_up(world.dsl).get(reverse("safeguarding:concern_detail", args=[original.pk])).content.decode()
    )
    assert "Wrong place" in page and reverse("safeguarding:concern_detail", args=[correction.pk]) in page


def test_it_requires_a_reason_for_a_correction(world):
    """A correction without saying what it corrects is refused."""
    original = log(world)
    data = concern_data(correction_reason="")
    data["happened_at"] = data["happened_at"].strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.tutor).post(reverse("safeguarding:concern_correct", args=[original.pk]), data)
    assert response.status_code == 200 and Concern.objects.count() == 1


def test_it_records_a_decision_correction_beside_the_original(world):
    """Correcting a decision adds a decision that names it; both stay on the concern."""
    concern = log(world)
    first = services.decision_record(
        actor=world.dsl, concern=concern, outcome="nfa", reason="Nothing to add."
    )
    stepped_up(world.dsl).post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {
            "decision-outcome": "monitor",
            "decision-reason": "New information from the TA.",
            "decision-corrects": first.pk,
        },
    )
    assert [(d.outcome, d.corrects_id) for d in concern.decisions.all()] == [
        ("nfa", None),
        ("monitor", first.pk),
    ]


def test_it_refuses_a_correction_by_another_member_of_staff(world):
    """The head of year, neither the logger nor the DSL team, gets 403 when correcting the tutor's concern."""
    original = log(world)
    url = reverse("safeguarding:concern_correct", args=[original.pk])
    assert client_for(world.head_of_year9).get(url).status_code == 403


@outsider_test("safeguarding:concern_correct")
def test_it_hides_the_correction_page_from_another_school(world):
    """Olive gets 404 correcting an Oakfield concern."""
    original = log(world, happened_at=timezone.now() - datetime.timedelta(days=1))
    assert_outsider_404(
        client_for(world.outsider), reverse("safeguarding:concern_correct", args=[original.pk])
    )


def test_it_records_a_chronology_entry_correction_beside_the_original(world):
    """Correcting a contact adds an entry that names it; both are on the chronology."""
    first = services.entry_add(
        actor=world.dsl,
        pupil=world.alice,
        kind="contact",
        occurred_on=timezone.localdate(),
        summary="Called dad.",
    )
    stepped_up(world.dsl).post(
        reverse("safeguarding:entry_add", args=[world.alice.pk]),
        {
            "kind": "contact",
            "occurred_on": timezone.localdate().isoformat(),
            "summary": "Called mum, not dad.",
            "corrects": first.pk,
        },
    )
    titles = [e.title for e in selectors.chronology(world.alice, {"entry"})]
    assert titles == [
        "Contact (phone call, e-mail, visit)",
        f"Contact (phone call, e-mail, visit) (correction of entry #{first.pk})",
    ]
