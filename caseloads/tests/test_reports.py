"""Termly reports to parents: one student's PDF, a batch in the background (progress, ZIP, e-mail to contacts
with parental responsibility, never one marked "no contact"), a failing student named while the rest are kept,
every generation and e-mail audited, and who may do what."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from audit.models import AuditEvent
from caseloads import report_selectors
from caseloads.report_models import ReportBatch
from caseloads.services import reports as services
from core.testing.factories import PupilContactFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from people.models import PupilContact

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 9, 1), datetime.date(2026, 12, 18)


world = shared_world(at=datetime.datetime(2026, 12, 18, 12, 0, tzinfo=datetime.UTC))


@pytest.fixture
def fast_pdf(monkeypatch):
    """A stand-in for WeasyPrint where the test is not about the PDF itself (the PDF tests render for real)."""
    monkeypatch.setattr(services, "render_pdf", lambda template, context: b"%PDF-1.7 " + template.encode())


def _batch(world, **extra):
    data = {
        "actor": world.pal,
        "organisation": world.school,
        "scope": "caseload",
        "pal": world.pal,
        "title": "Autumn term 2026",
        "starts_on": START,
        "ends_on": END,
        "delivery": "download",
    }
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task runs once the batch is committed
        return services.report_batch_start(**(data | extra))


def test_one_students_report_is_a_pdf_and_its_printing_is_audited(world):
    response = client_for(world.pal).get(
        reverse("caseloads:student_report", args=[world.alice.pk]),
        {"start": "2026-09-01", "end": "2026-12-18"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="export", object_id=str(world.alice.pk), note__startswith="termly report"
    ).exists()


def test_the_report_reads_the_period_and_the_signed_off_reviews(world):
    from caseloads import services as caseload_services

    window = caseload_services.windows_for(world.school, caseload_services.academic_year_for(END))[1]
    review = caseload_services.review_start(
        actor=world.pal, pupil=world.alice, window=window, held_on=datetime.date(2026, 11, 20)
    )
    caseload_services.review_update(
        actor=world.pal, review=review, student_voice="I like maths", comment="A steady term", risk="low"
    )
    data = report_selectors.report_data(world.alice, START, END)
    assert data["comment"] == "" and data["reviews"] == []  # not signed off: not on the report
    caseload_services.review_sign_off(actor=world.pal, review=review)
    data = report_selectors.report_data(world.alice, START, END)
    assert data["comment"] == "A steady term" and data["pal"] == world.pal
    assert data["figures"]["possible_sessions"] == 0


def test_a_caseload_batch_runs_in_the_background_and_keeps_one_zip(world):
    batch = _batch(world)  # the immediate task backend runs it on commit
    batch.refresh_from_db()
    assert batch.status == "done" and (batch.total, batch.done) == (3, 3)  # alice, ben (9A), dan (10A)
    names = zipfile.ZipFile(io.BytesIO(bytes(batch.archive))).namelist()
    assert len(names) == 3 and any(n.startswith("Archer-Alice") for n in names)
    response = client_for(world.pal).get(reverse("caseloads:report_batch_download", args=[batch.pk]))
    assert response["Content-Type"] == "application/zip"
    notes = list(AuditEvent.objects.filter(object_id=str(batch.pk)).values_list("action", "note"))
    assert ("create", str(batch)) in notes
    assert ("export", "Autumn term 2026 reports: 3 of 3 generated, 0 failed") in notes
    assert ("export", f"{batch} downloaded as ZIP") in notes


def test_a_failing_student_is_named_and_the_rest_are_kept(world, fast_pdf, monkeypatch):
    real = report_selectors.report_data

    def report_data(pupil, start, end):
        if pupil.pk == world.ben.pk:
            raise RuntimeError("no template for this student")
        return real(pupil, start, end)

    monkeypatch.setattr(report_selectors, "report_data", report_data)
    batch = _batch(world)
    batch.refresh_from_db()
    assert batch.status == "done"
    assert batch.failures == [
        {"pupil_id": world.ben.pk, "name": "Ben Baker", "error": "RuntimeError: no template for this student"}
    ]
    assert len(zipfile.ZipFile(io.BytesIO(bytes(batch.archive))).namelist()) == 2
    page = client_for(world.pal).get(reverse("caseloads:report_batch", args=[batch.pk]))
    assert "Ben Baker" in page.content.decode() and "no template for this student" in page.content.decode()
    event = AuditEvent.objects.get(object_id=str(batch.pk), note__contains="generated")
    assert event.note.endswith("2 of 3 generated, 1 failed") and event.changes["failed"] == [world.ben.pk]


def test_e_mail_goes_to_parents_with_responsibility_never_to_no_contact(world, fast_pdf):
    alice_mother = PupilContact.objects.get(pupil=world.alice)  # the world's Mary Archer
    PupilContactFactory(
        pupil=world.alice, has_parental_responsibility=False, contact__email="aunt@example.test"
    )
    PupilContactFactory(pupil=world.alice, no_contact=True, contact__email="barred@example.test")
    PupilContactFactory(pupil=world.dan, no_contact=True, contact__email="dans-dad@example.test")
    ben_parent = PupilContactFactory(pupil=world.ben, contact__email="shared@example.test")
    PupilContactFactory(pupil=world.ben, no_contact=True, contact__email="SHARED@example.test")
    assert ben_parent.pk
    batch = _batch(world, delivery="email")
    batch.refresh_from_db()
    assert [m.to for m in mail.outbox] == [[alice_mother.contact.email]]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    assert batch.emails_sent == 1 and not batch.archive
    assert sorted(u["name"] for u in batch.unsent) == ["Ben Baker", "Dan Dyer"]
    assert AuditEvent.objects.filter(
        object_id=str(world.alice.pk), note__startswith="termly report e-mailed to 1"
    ).exists()


def test_the_form_names_the_field_a_scope_needs_and_starts_a_batch(
    world, fast_pdf, django_capture_on_commit_callbacks
):
    client = client_for(world.head_of_year9)
    url = reverse("caseloads:reports")
    response = client.post(
        url,
        {
            "scope": "group",
            "title": "Autumn",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-18",
            "delivery": "download",
        },
    )
    assert "group" in response.context["form"].errors and not ReportBatch.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "scope": "year",
                "year_group": "9",
                "title": "Autumn",
                "starts_on": "2026-09-01",
                "ends_on": "2026-12-18",
                "delivery": "download",
            },
        )
    batch = ReportBatch.objects.get()
    assert response.url == reverse("caseloads:report_batch", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.total == 3  # alice, ben, cleo: year 9
    response = client.post(
        url,
        {
            "scope": "year",
            "year_group": "10",
            "title": "Autumn",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-18",
            "delivery": "download",
        },
    )
    assert "year_group" in response.context["form"].errors  # not their year


def test_the_progress_bar_is_polled_and_reloads_when_done(world, fast_pdf):
    batch = _batch(world)
    client = client_for(world.pal)
    response = client.get(reverse("caseloads:report_batch_status", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and "3 of 3 students" in response.content.decode()
    ReportBatch.objects.filter(pk=batch.pk).update(status="running", done=1)
    page = client.get(reverse("caseloads:report_batch", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "1 of 3 students" in page


@outsider_test(
    "caseloads:report_batch",
    "caseloads:report_batch_status",
    "caseloads:report_batch_download",
    "caseloads:student_report",
)
def test_it_hides_reports_from_another_school(world, fast_pdf):
    batch = _batch(world)
    client = client_for(world.outsider)
    for name in ("report_batch", "report_batch_status", "report_batch_download"):
        assert_outsider_404(client, reverse(f"caseloads:{name}", args=[batch.pk]))
    assert_outsider_404(client, reverse("caseloads:student_report", args=[world.alice.pk]))


def test_it_refuses_reports_to_other_roles_and_out_of_scope(world, fast_pdf):
    batch = _batch(world)
    for user in (world.tutor, world.dsl, world.head_of_year10):
        client = client_for(user)
        for name in ("report_batch", "report_batch_status", "report_batch_download"):
            assert client.get(reverse(f"caseloads:{name}", args=[batch.pk])).status_code == 403, (user, name)
    assert client_for(world.tutor).get(reverse("caseloads:reports")).status_code == 403
    assert (
        client_for(world.dsl).get(reverse("caseloads:student_report", args=[world.alice.pk])).status_code
        == 403
    )
    assert (
        client_for(world.pal).get(reverse("caseloads:student_report", args=[world.cleo.pk])).status_code
        == 403
    )
    assert client_for(world.senior).get(reverse("caseloads:report_batch", args=[batch.pk])).status_code == 200
    group_batch = _batch(world, actor=world.senior, scope="group", group=world.group_9b, pal=None)
    assert (
        client_for(world.pal).get(reverse("caseloads:report_batch", args=[group_batch.pk])).status_code == 403
    )
    assert (
        client_for(world.head_of_year9)
        .get(reverse("caseloads:report_batch", args=[group_batch.pk]))
        .status_code
        == 200
    )


def test_the_retention_job_deletes_zips_after_30_days_and_the_batch_says_so(world, fast_pdf):
    """Today 18 Dec 2026: a ZIP finished on 17 Nov (31 days before) goes, one finished on 18 Nov stays; an e-mail
    batch holds no ZIP. The row stays, marked, and its page offers to generate the reports again."""
    from io import StringIO

    from django.core.management import call_command

    old, recent = _batch(world), _batch(world)
    emailed = _batch(world, delivery="email")
    for batch, day in ((old, 17), (recent, 18), (emailed, 1)):
        finished = datetime.datetime(2026, 11, day, 9, 0, tzinfo=datetime.UTC)
        ReportBatch.objects.filter(pk=batch.pk).update(finished_at=finished)
    size = len(ReportBatch.objects.get(pk=old.pk).archive)
    assert size > 0

    def run(*apply):
        out = StringIO()
        call_command("retention", "--only", "caseload_reports", "--date", "2026-12-18", *apply, stdout=out)
        return out.getvalue().splitlines()

    assert run() == [
        f"Oakfield School: 1 report ZIP(s) older than 30 days ({size} bytes) to delete (dry run: add --apply)",
        "Total: 1 report ZIP(s) to delete (dry run: add --apply); the batches stay, marked expired.",
    ]
    assert len(ReportBatch.objects.get(pk=old.pk).archive) == size  # the dry run deletes nothing
    assert run("--apply")[-1] == "Total: 1 report ZIP(s) deleted; the batches stay, marked expired."
    old.refresh_from_db()
    recent.refresh_from_db()
    assert bytes(old.archive) == b"" and old.archive_expired_at is not None and old.status == "done"
    assert len(recent.archive) > 0 and recent.archive_expired_at is None
    assert AuditEvent.objects.filter(
        action="delete", organisation_id=world.school.pk, note__startswith="retention: 1 report ZIP(s)"
    ).exists()
    assert run("--apply")[-1] == "Total: 0 report ZIP(s) deleted; the batches stay, marked expired."
    client = client_for(world.pal)
    page = client.get(reverse("caseloads:report_batch", args=[old.pk])).content.decode()
    assert (
        'id="zip-expired"' in page
        and "Generate the reports again" in page
        and "Download the reports" not in page
    )
    assert client.get(reverse("caseloads:report_batch_download", args=[old.pk])).status_code == 404
    assert (
        "Download the reports"
        in client.get(reverse("caseloads:report_batch", args=[recent.pk])).content.decode()
    )
    assert "(expired: generate again)" in client.get(reverse("caseloads:reports")).content.decode()
