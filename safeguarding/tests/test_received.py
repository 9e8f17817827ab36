"""The receiving school puts a transferred CP file on the child's file: sent straight to it through Pastoral, or
uploaded from a school elsewhere. The previous school's records show on the chronology in date order, read-only and
marked "From <school>"; the receiving DSL team only, after step-up; every read audited; never edited or deleted
(only destroyed with the child's file after its retention review)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from access.roles import Role
from audit.models import AuditEvent
from core.testing.factories import OrganisationFactory, PupilFactory, RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from people.subject_access import subject_access_document
from safeguarding import selectors
from safeguarding.models import (
    Agency,
    ChronologyEntry,
    Concern,
    Decision,
    ImmutableRecord,
    ProtectionStatus,
    ReceivedFile,
    Referral,
    TransferReceipt,
)
from safeguarding.services import destruction, received, retention
from safeguarding.services import transfers as transfer_services

from .helpers import stepped_up
from .received_data import PDF, as_json, as_zip

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 10, 23, 15, tzinfo=datetime.UTC)
BORN = datetime.date(2012, 3, 4)


def at(day: str, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hour:02}:00:00+00:00")


def _build_world():
    """Alice leaves Oakfield for Riverside, where Olive is the DSL and Alice is a new pupil (same date of birth
    and UPN); Oakfield's file on her is built by hand."""
    world = build_school_world()
    world.alice.date_of_birth = BORN
    world.alice.save()
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    world.new_alice = PupilFactory(
        organisation=world.other_school,
        legal_first_name="Alice",
        legal_last_name="Archer",
        date_of_birth=BORN,
        upn=world.alice.upn,
    )
    _oakfield_file(world)
    return world


world = shared_world(_build_world, at=TODAY)


def _oakfield_file(world) -> None:
    mine = {"organisation": world.school, "pupil": world.alice}
    ProtectionStatus(**mine, status="cin", starts_on=datetime.date(2026, 3, 2), recorded_by=world.dsl).save()
    ChronologyEntry(
        **mine,
        kind="contact",
        occurred_on=datetime.date(2026, 4, 10),
        summary="Phoned mum.",
        recorded_by=world.dsl,
    ).save()
    concern = Concern(
        **mine,
        logged_by=world.tutor,
        logged_at=at("2026-05-04"),
        happened_at=at("2026-05-04", 8),
        location="Form room",
        category="neglect",
        seen_or_heard="Hungry again.",
    )
    concern.save()
    Decision(
        organisation=world.school,
        concern=concern,
        outcome="monitor",
        reason="Watch and log.",
        decided_by=world.dsl,
        decided_at=at("2026-05-05"),
    ).save()
    agency = Agency(
        organisation=world.school, name="CAMHS North", kind="camhs", awaits="ack", response_days=10
    )
    agency.save()
    Referral(
        **mine,
        agency=agency,
        made_on=datetime.date(2026, 6, 1),
        made_by=world.dsl,
        reason="Low mood.",
        consent="given",
        answer_due_on=datetime.date(2026, 6, 15),
    ).save()


def send(world):
    transfer, _ = transfer_services.transfer_send(
        actor=world.dsl,
        pupil=world.alice,
        to_school="",
        to_name="Olive Outsider",
        to_email="olive@riverside.test",
        to_organisation=world.other_school,
        now=TODAY - datetime.timedelta(days=1),
    )
    return transfer


def received_titles(pupil) -> list[tuple[datetime.date, str]]:
    return [(e.on, e.title) for e in selectors.chronology(pupil, {"received"})]


def test_the_receiving_dsl_puts_a_file_sent_through_pastoral_on_the_childs_file(world):
    """Riverside's DSL chooses the pupil; Oakfield's records show on Riverside's chronology in date order, marked
    From Oakfield School, between Riverside's own; receipt is confirmed; a second time is refused."""
    transfer = send(world)
    client = stepped_up(world.outsider)
    url = reverse("safeguarding:incoming_attach", args=[transfer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"pupil": world.new_alice.pk})
    assert response.status_code == 302
    record = ReceivedFile.objects.get()
    assert (record.organisation, record.pupil, record.from_school) == (
        world.other_school,
        world.new_alice,
        "Oakfield School",
    )
    assert (record.from_organisation, record.source_transfer_ref, record.received_by) == (
        world.school,
        transfer.pk,
        world.outsider,
    )
    assert record.pdf.read().startswith(b"%PDF") and b"pastoral-cp-file/1" in record.document.read()
    assert received_titles(world.new_alice) == [
        (datetime.date(2026, 3, 2), "From Oakfield School: Child protection status: Child in need"),
        (datetime.date(2026, 4, 10), "From Oakfield School: Contact (phone call, e-mail, visit)"),
        (datetime.date(2026, 5, 4), "From Oakfield School: Concern: Neglect (logged 4 May 2026)"),
        (datetime.date(2026, 5, 5), "From Oakfield School: Decision: Monitor"),
        (datetime.date(2026, 6, 1), "From Oakfield School: Referral to CAMHS North"),
    ]
    TransferReceipt.objects.get(transfer=transfer, confirmed_by=world.outsider)
    Concern(
        organisation=world.other_school,
        pupil=world.new_alice,
        logged_by=world.outsider,
        logged_at=at("2026-05-20"),
        happened_at=at("2026-05-20"),
        location="Gate",
        category="neglect",
        seen_or_heard="Riverside's own.",
    ).save()
    kinds = [(e.on, e.kind) for e in selectors.chronology(world.new_alice, {"received", "concern"})]
    assert kinds == sorted(kinds) and (datetime.date(2026, 5, 20), "concern") in kinds
    page = client.get(reverse("safeguarding:chronology", args=[world.new_alice.pk])).content.decode()
    assert "From Oakfield School: Decision: Monitor" in page and "original PDF" in page
    again = client.post(url, {"pupil": world.new_alice.pk})
    assert again.status_code == 400 and "already on a child" in again.content.decode()


def test_an_uploaded_file_from_a_school_elsewhere_goes_on_the_chronology(world):
    """Oakfield's DSL uploads the ZIP Hillside Primary sent for Alice; its rows show in date order, the original
    PDF and JSON are kept as they came; the JSON alone is accepted too (no PDF)."""
    client = stepped_up(world.dsl)
    data = as_zip()
    upload = SimpleUploadedFile("cp-file-transfer-9.zip", data, content_type="application/zip")
    response = client.post(reverse("safeguarding:received"), {"pupil": world.alice.pk, "file": upload})
    assert response.status_code == 302
    record = ReceivedFile.objects.get()
    assert (record.from_school, record.original_name, record.source_transfer_ref) == (
        "Hillside Primary",
        "cp-file-transfer-9.zip",
        None,
    )
    assert record.pdf.read() == PDF and record.document.read() == as_json()
    assert received_titles(world.alice) == [
        (datetime.date(2025, 9, 15), "From Hillside Primary: Concern: Neglect (logged 15 Sep 2025)"),
        (datetime.date(2025, 9, 16), "From Hillside Primary: Decision: Early help"),
        (datetime.date(2025, 9, 20), "From Hillside Primary: Contact (phone call, e-mail, visit)"),
        (datetime.date(2025, 10, 1), "From Hillside Primary: Referral to Borough Early Help"),
        (datetime.date(2025, 11, 3), "From Hillside Primary: Child protection status: Child in need"),
    ]
    [concern_row] = [e for e in selectors.chronology(world.alice, {"received"}) if "Concern" in e.title]
    assert concern_row.by == "Terry Teacher" and "The child's words: Mum forgot." in concern_row.detail
    assert concern_row.url == reverse("safeguarding:received_pdf", args=[record.pk])
    everything = [e.on for e in selectors.chronology(world.alice)]
    assert everything == sorted(everything) and everything[0] == datetime.date(2025, 9, 15)
    received.receive_upload(actor=world.dsl, pupil=world.alice, name="cp-file.json", data=as_json())
    assert not ReceivedFile.objects.order_by("-pk").first().pdf


@pytest.mark.parametrize("persona", ["tutor", "senior", "head_of_year9", "pal"])
def test_it_refuses_every_other_role(world, persona):
    """Only the DSL team: everyone else gets 403 on the upload page and the stored files, and the service says
    no."""
    record = received.receive_upload(actor=world.dsl, pupil=world.alice, name="t.zip", data=as_zip())
    user = getattr(world, persona)
    client = stepped_up(user)
    assert client.get(reverse("safeguarding:received")).status_code == 403
    assert client.get(reverse("safeguarding:received_pdf", args=[record.pk])).status_code == 403
    assert client.get(reverse("safeguarding:received_json", args=[record.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        received.receive_upload(actor=user, pupil=world.alice, name="t.zip", data=as_zip())


def test_only_the_receiving_schools_dsl_team_puts_a_transfer_on_its_pupil(world):
    """The sending school's DSL cannot put the file on Riverside's pupil (403 on the page, refused by the
    service); Riverside's DSL cannot put it on an Oakfield pupil; Riverside's senior leader gets 403."""
    transfer = send(world)
    url = reverse("safeguarding:incoming_attach", args=[transfer.pk])
    assert stepped_up(world.dsl).post(url, {"pupil": world.new_alice.pk}).status_code == 403
    with pytest.raises(PermissionDenied):
        received.receive_transfer(actor=world.dsl, transfer=transfer, pupil=world.new_alice)
    with pytest.raises(PermissionDenied):
        received.receive_transfer(actor=world.outsider, transfer=transfer, pupil=world.alice)
    leader = RoleFactory(organisation=world.other_school, role=Role.SENIOR_LEADER).user
    assert stepped_up(leader).get(url).status_code == 403
    assert not ReceivedFile.objects.exists()


@outsider_test("safeguarding:incoming_attach", "safeguarding:received_pdf", "safeguarding:received_json")
def test_it_hides_received_files_from_other_schools(world):
    """A third school's DSL gets 404 for the transfer; Riverside's DSL gets 404 for Oakfield's received file."""
    transfer = send(world)
    record = received.receive_upload(actor=world.dsl, pupil=world.alice, name="t.zip", data=as_zip())
    third = RoleFactory(organisation=OrganisationFactory(name="Third School"), role=Role.DSL).user
    assert_outsider_404(stepped_up(third), reverse("safeguarding:incoming_attach", args=[transfer.pk]))
    riverside = stepped_up(world.outsider)
    assert_outsider_404(riverside, reverse("safeguarding:received_pdf", args=[record.pk]))
    assert_outsider_404(riverside, reverse("safeguarding:received_json", args=[record.pk]))


def test_it_asks_for_the_second_factor_again(world):
    transfer = send(world)
    record = received.receive_upload(actor=world.dsl, pupil=world.alice, name="t.zip", data=as_zip())
    stale = stepped_up(world.dsl, at=0)
    for url in (reverse("safeguarding:received"), reverse("safeguarding:received_pdf", args=[record.pk])):
        assert stale.get(url)["Location"].startswith(reverse("safeguarding:step_up"))
    upload = SimpleUploadedFile("t.zip", as_zip())
    assert (
        client_for(world.dsl)
        .post(reverse("safeguarding:received"), {"pupil": world.alice.pk, "file": upload})["Location"]
        .startswith(reverse("safeguarding:step_up"))
    )
    attach = reverse("safeguarding:incoming_attach", args=[transfer.pk])
    response = client_for(world.outsider).post(attach, {"pupil": world.new_alice.pk})
    assert response["Location"].startswith(reverse("safeguarding:step_up"))
    assert ReceivedFile.objects.count() == 1


def test_it_audits_the_write_and_every_read(world):
    client = stepped_up(world.dsl)
    record = received.receive_upload(actor=world.dsl, pupil=world.alice, name="t.zip", data=as_zip())
    about = {"object_type": "safeguarding.ReceivedFile", "object_id": str(record.pk)}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, **about).exists()
    assert client.get(reverse("safeguarding:received_pdf", args=[record.pk])).status_code == 200
    assert client.get(reverse("safeguarding:received")).status_code == 200
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.READ, actor=world.dsl, **about)
    assert sorted(reads.values_list("note", flat=True)) == [
        "safeguarding: received CP file (pdf)",
        "safeguarding: received file listed",
    ]
    assert set(selectors.file_viewers(world.alice).filter(**about).values_list("note", flat=True)) == set(
        reads.values_list("note", flat=True)
    )


def test_a_received_file_is_never_edited_or_deleted(world):
    """Not through the model, the queryset, the admin or a view; only the child's file's destruction removes it
    (with its stored PDF and JSON), after date of birth + 25 years."""
    record = received.receive_upload(actor=world.dsl, pupil=world.alice, name="t.zip", data=as_zip())
    record.from_school = "Elsewhere"
    with pytest.raises(ImmutableRecord):
        record.save()
    with pytest.raises(ImmutableRecord):
        record.delete()
    with pytest.raises(ImmutableRecord):
        ReceivedFile.objects.filter(pk=record.pk).update(from_school="Elsewhere")
    with pytest.raises(ImmutableRecord):
        ReceivedFile.objects.filter(pk=record.pk).delete()
    assert not admin.site.is_registered(ReceivedFile)
    client = stepped_up(world.dsl)
    for method in ("post", "put", "delete"):
        assert (
            getattr(client, method)(reverse("safeguarding:received_pdf", args=[record.pk])).status_code == 405
        )
    assert ReceivedFile.objects.get().from_school == "Hillside Primary"


def test_retention_destruction_and_subject_access_include_it(world, settings):
    """A pupil whose only safeguarding record is a received file is listed at DOB + 25 years (not under a
    retention hold); destruction removes it and its stored files; the subject-access export includes it only
    when the DSL's decision includes the records."""
    pupil = PupilFactory(organisation=world.school, date_of_birth=datetime.date(2001, 3, 4))
    record = received.receive_upload(
        actor=world.dsl,
        pupil=pupil,
        name="t.zip",
        data=as_zip({"cp-file.pdf": PDF, "cp-file.json": _for(pupil)}),
    )
    stored = [settings.MEDIA_ROOT / record.pdf.name, settings.MEDIA_ROOT / record.document.name]
    assert all(path.exists() for path in stored)
    due = datetime.date(2026, 3, 4)
    assert (
        retention.retention_counts(organisation=world.school, today=due - datetime.timedelta(days=1)).pupils
        == 0
    )
    assert retention.retention_counts(organisation=world.school, today=due).pupils == 1
    pupil.retention_hold = "Legal claim"
    pupil.save()
    assert retention.retention_counts(organisation=world.school, today=due).held == 1
    pupil.retention_hold = ""
    pupil.save()
    assert "from_previous_schools" not in subject_access_document(pupil)["safeguarding"]
    retention.subject_access_decide(actor=world.dsl, pupil=pupil, scope="include", reason="Parent's request.")
    [part] = subject_access_document(pupil)["safeguarding"]["from_previous_schools"]
    assert part["from_school"] == "Hillside Primary" and len(part["records"]) == 5
    retention.apply_retention(organisation=world.school, today=due)
    with django_capture_on_commit():
        tombstone = destruction.file_destroy(actor=world.dsl, pupil=pupil, reason="Reviewed.", today=due)
    assert tombstone.counts["files from previous schools"] == 1
    assert not ReceivedFile.objects.exists() and not any(path.exists() for path in stored)


def _for(pupil) -> bytes:
    from .received_data import document

    doc = document()
    doc["pupil"]["date_of_birth"] = pupil.date_of_birth.isoformat()
    return as_json(doc)


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
