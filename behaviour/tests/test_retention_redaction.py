"""Retention takes a leaver's names out of the text of an incident kept for other pupils: full and known-as names in
any case, single names only where no kept pupil, member of staff or ordinary word shares them; the dry run changes
nothing; a failure mid-way leaves the text and the links as they were."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import DatabaseError
from django.db.models.query import QuerySet

from audit.models import AuditEvent
from behaviour import selectors, services
from behaviour.models import BehaviourCategory, Incident, IncidentPupil, ReportCard, Suspension
from behaviour.redaction import PLACEHOLDER
from core.testing.factories import PupilFactory
from core.testing.personas import build_school_world
from core.testing.world import shared_world
from people.models import Pupil

pytestmark = pytest.mark.django_db

LEFT = datetime.date(2020, 7, 20)
WHEN = datetime.datetime(2019, 5, 14, 10, 15, tzinfo=datetime.UTC)
P = PLACEHOLDER


def _build_world():
    world = build_school_world()
    # Alice Archer, known as Ally, left; Cleo Cole is on roll.
    world.alice.preferred_first_name = "Ally"
    world.alice.left_on = LEFT
    world.alice.save()
    return world


world = shared_world(_build_world)


def _incident(world, *pupils, description, actions="", staff=None, **extra):
    return services.incident_create(
        actor=world.tutor,
        organisation=world.school,
        pupils=list(pupils),
        kind="negative",
        category=BehaviourCategory.objects.filter(organisation=world.school, kind="negative").first(),
        severity=2,
        occurred_at=WHEN,
        place="classroom",
        staff=staff or world.tutor,
        description=description,
        actions=actions,
        **extra,
    )


def _leaver(world, first, last, **names):
    return PupilFactory(
        organisation=world.school, legal_first_name=first, legal_last_name=last, left_on=LEFT, **names
    )


def _delete(world, *leavers):
    return services.leavers_records_delete(
        organisation=world.school, pupils=Pupil.objects.filter(pk__in=[p.pk for p in leavers])
    )


def _text(incident):
    incident.refresh_from_db()
    return incident.description


def test_it_takes_the_leavers_full_and_known_as_names_out_and_keeps_the_kept_pupils(world):
    """Every field of free text loses Alice's legal, known-as and "Last, First" names; Cleo's name stays."""
    shared = _incident(
        world,
        world.alice,
        world.cleo,
        description="Alice Archer pushed Cleo Cole in the queue. Ally Archer then apologised to Cleo.",
        actions="Spoke to Archer, Alice and to Cleo Cole; Ally to miss break.",
        lesson="Form time with Alice's group",
        parents_contacted=True,
        parents_contacted_how="Phoned Alice Archer's mother",
    )
    alone = _incident(world, world.cleo, description="Cleo helped Alice Archer tidy up.")

    counts = _delete(world, world.alice)

    shared.refresh_from_db()
    assert shared.description == f"{P} pushed Cleo Cole in the queue. {P} then apologised to Cleo."
    assert shared.actions == f"Spoke to {P} and to Cleo Cole; {P} to miss break."
    assert shared.lesson == f"Form time with {P}'s group"
    assert shared.parents_contacted_how == f"Phoned {P}'s mother"
    assert (counts.incidents_redacted, counts.shared_links) == (1, 1)
    assert list(IncidentPupil.objects.filter(incident=shared).values_list("pupil", flat=True)) == [
        world.cleo.pk
    ]
    # An incident Alice was never in is not hers to take out of (nor retention's to touch).
    assert _text(alone) == "Cleo helped Alice Archer tidy up."


def test_it_matches_names_in_any_case_but_only_as_whole_words(world):
    """Full names in capitals or lower case go; a name inside a longer word or a double-barrelled name stays."""
    shared = _incident(
        world,
        world.alice,
        world.cleo,
        description="ALICE ARCHER and alice  archer; ALICE again. Archery club, Alicedale Road, the Smith-Archer "
        "family, O'Ally's shop.",
    )
    _delete(world, world.alice)
    assert _text(shared) == (
        f"{P} and {P}; {P} again. Archery club, Alicedale Road, the Smith-Archer family, O'Ally's shop."
    )


def test_it_leaves_a_single_name_written_in_lower_case_as_an_ordinary_word(world):
    """Will Wood's name goes where it is written as a name; "will" the word stays."""
    will = _leaver(world, "Will", "Wood")
    shared = _incident(
        world,
        will,
        world.cleo,
        description="Will threw a pen at Cleo. WILL's parents will be phoned; will wood.",
    )
    _delete(world, will)
    assert _text(shared) == f"{P} threw a pen at Cleo. {P}'s parents will be phoned; {P}."


def test_it_leaves_a_first_or_last_name_a_kept_pupil_shares_but_takes_the_full_name(world):
    """Sam Smith left, Sam Jones and Tom Smith stay: "Sam" and "Smith" alone may be theirs, so only "Sam Smith"
    goes; on an incident with Cleo only, "Sam" and "Smith" alone are his and go too."""
    sam_smith = _leaver(world, "Sam", "Smith")
    sam_jones = PupilFactory(organisation=world.school, legal_first_name="Sam", legal_last_name="Jones")
    tom_smith = PupilFactory(organisation=world.school, legal_first_name="Tom", legal_last_name="Smith")
    with_sams = _incident(
        world,
        sam_smith,
        sam_jones,
        tom_smith,
        description="Sam Smith and Sam Jones argued; Sam threw a chair and Smith left.",
    )
    with_cleo = _incident(
        world, sam_smith, world.cleo, description="Sam Smith and Cleo argued; Sam threw a chair."
    )

    counts = _delete(world, sam_smith)

    assert _text(with_sams) == f"{P} and Sam Jones argued; Sam threw a chair and Smith left."
    assert _text(with_cleo) == f"{P} and Cleo argued; {P} threw a chair."
    assert counts.incidents_redacted == 2


def test_it_leaves_a_full_name_a_kept_pupil_shares(world):
    """Two pupils named Jo Lee: the text cannot say which is meant, so the one kept keeps the name."""
    leaver = _leaver(world, "Jo", "Lee")
    kept = PupilFactory(organisation=world.school, legal_first_name="Jo", legal_last_name="Lee")
    shared = _incident(world, leaver, kept, description="Jo Lee and Jo Lee swapped coats.")
    assert _delete(world, leaver).incidents_redacted == 0
    assert _text(shared) == "Jo Lee and Jo Lee swapped coats."


def test_it_leaves_a_name_the_member_of_staff_shares(world):
    """Tess Turner left; Tess Tutor was the member of staff: "Tess" alone stays, "Turner" goes."""
    tess = _leaver(world, "Tess", "Turner")
    shared = _incident(world, tess, world.cleo, description="Tess told Cleo that Turner would wait for Tess.")
    _delete(world, tess)
    assert _text(shared) == f"Tess told Cleo that {P} would wait for Tess."


def test_it_takes_names_out_of_an_incident_kept_because_a_kept_pupils_suspension_follows_it(world):
    """Alice's incident alone stays for Cleo's suspension, and Cleo's name in it stays too."""
    followed = _incident(world, world.alice, description="Alice hit Cleo; Cleo hit back.")
    suspension = services.suspension_create(
        actor=world.head_of_year9,
        pupil=world.cleo,
        kind="internal",
        starts_on=datetime.date(2019, 5, 15),
        ends_on=datetime.date(2019, 5, 15),
        sessions=2,
        reason="physical_pupil",
        details="Hit back",
    )
    # Recorded before a suspension's incident had to be the pupil's own: the link stays and is respected.
    Suspension.objects.filter(pk=suspension.pk).update(incident=followed)
    suspension.refresh_from_db()
    assert suspension.incident == followed
    assert _delete(world, world.alice).incidents_redacted == 1
    assert _text(followed) == f"{P} hit Cleo; Cleo hit back."


def test_it_takes_every_leavers_names_out_in_batches(world, monkeypatch):
    """Two leavers in one incident, and one incident per batch: every incident kept for Cleo loses both names."""
    monkeypatch.setattr(selectors, "RETENTION_BATCH", 1)
    eve = _leaver(world, "Eve", "Evans")
    first = _incident(world, world.alice, eve, world.cleo, description="Alice and Eve Evans teased Cleo.")
    second = _incident(world, eve, world.cleo, description="Eve teased Cleo.")
    counts = _delete(world, world.alice, eve)
    assert (_text(first), _text(second)) == (f"{P} and {P} teased Cleo.", f"{P} teased Cleo.")
    assert (counts.incidents_redacted, counts.shared_links) == (2, 3)


def test_it_cuts_a_short_field_that_would_overflow_and_names_no_one(world):
    """The lesson field holds 100 characters: the placeholders that replace short names are cut to fit."""
    al = _leaver(world, "Al", "Li")
    shared = _incident(world, al, world.cleo, description="Fine.", lesson=("Al, " * 25).strip())
    _delete(world, al)
    shared.refresh_from_db()
    assert len(shared.lesson) == 100 and shared.lesson.startswith(f"{P}, {P}")
    assert not re.search(r"\bAl\b", shared.lesson)


def test_it_copies_no_text_into_the_audit_log(world):
    """The text is changed without an audited save, which would copy the name into the log."""
    _incident(world, world.alice, world.cleo, description="Alice Archer pushed Cleo.")
    before = AuditEvent.objects.count()
    assert _delete(world, world.alice).incidents_redacted == 1
    assert AuditEvent.objects.count() == before


def test_it_counts_the_incidents_to_change_in_the_dry_run_and_changes_nothing(world):
    """Only the incident whose text names Alice is counted, and nothing is saved."""
    named = _incident(world, world.alice, world.cleo, description="Alice Archer pushed Cleo.")
    _incident(world, world.alice, world.cleo, description="Pushing in the lunch queue.")
    leavers = Pupil.objects.filter(pk=world.alice.pk)
    counts = selectors.leavers_counts(world.school, leavers)
    assert (counts.incidents_redacted, counts.shared_links) == (1, 2)
    assert _text(named) == "Alice Archer pushed Cleo."
    assert IncidentPupil.objects.filter(pupil=world.alice).count() == 2


def test_it_leaves_the_text_and_the_links_as_they_were_after_a_failure_mid_way(world, monkeypatch):
    """The report cards' delete fails after the text is changed and the links are gone: all of it comes back."""
    shared = _incident(world, world.alice, world.cleo, description="Alice Archer pushed Cleo.")
    updated_at = Incident.objects.get(pk=shared.pk).updated_at
    raw_delete = QuerySet._raw_delete

    def fail_on_cards(queryset, using):
        if queryset.model is ReportCard:
            raise DatabaseError("the database refused")
        return raw_delete(queryset, using)

    monkeypatch.setattr(QuerySet, "_raw_delete", fail_on_cards)
    with pytest.raises(DatabaseError):
        _delete(world, world.alice)
    assert _text(shared) == "Alice Archer pushed Cleo."
    assert set(IncidentPupil.objects.filter(incident=shared).values_list("pupil", flat=True)) == {
        world.alice.pk,
        world.cleo.pk,
    }
    assert Incident.objects.get(pk=shared.pk).updated_at == updated_at
