"""The documents beside a plan: the IEP (type and size checked, served only as a download after the permission
check, each opening audited), the Communication Passport the pupil's teachers see, and the between-reviews
checklist with overdue actions on the coordinator's home. 404 to another school, 403 to a head of another year."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from support_plans.models import CommunicationPassport, PlanAction, PlanDocument
from support_plans.services import documents
from support_plans.tests.helpers import started_plan

pytestmark = pytest.mark.django_db

PASSPORT = {
    "how_i_communicate": "I go quiet when I am upset.",
    "what_helps": "A quiet word, not in front of the class.",
    "what_does_not_help": "Being shouted at.",
    "who_to_talk_to": "Miss Tutor, or the head of year at break.",
}


world = shared_world()


@pytest.fixture
def plan(world):
    return started_plan(world)


def _iep(name="iep.pdf", content=b"%PDF-1.4 Alice's IEP"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_it_keeps_the_iep_beside_the_plan_and_serves_it_only_as_an_audited_download(world, plan):
    client = client_for(world.head_of_year9)
    response = client.post(
        reverse("support_plans:document_add", args=[plan.pk]), {"kind": "iep", "title": "", "file": _iep()}
    )
    assert response.status_code == 302
    document = PlanDocument.objects.get()
    assert document.original_name == "iep.pdf" and "iep" not in document.file.name  # a random stored name
    download = client_for(world.senco).get(reverse("support_plans:document_download", args=[document.pk]))
    assert download.status_code == 200
    assert (
        download["Content-Disposition"].startswith("attachment")
        and download["X-Content-Type-Options"] == "nosniff"
    )
    assert b"".join(download.streaming_content) == b"%PDF-1.4 Alice's IEP"
    assert AuditEvent.objects.filter(
        action="read", actor=world.senco, object_type="support_plans.PlanDocument", object_id=str(document.pk)
    ).exists()


def test_a_document_no_longer_in_the_file_store_is_a_404_and_a_warning_not_a_server_error(
    world, plan, caplog
):
    client = client_for(world.head_of_year9)
    client.post(
        reverse("support_plans:document_add", args=[plan.pk]), {"kind": "iep", "title": "", "file": _iep()}
    )
    document = PlanDocument.objects.get()
    default_storage.delete(document.file.name)  # lost in a restore, removed by hand
    client.raise_request_exception = False
    download = client.get(reverse("support_plans:document_download", args=[document.pk]))
    assert download.status_code == 404
    assert f"Upload {document.file.name} is named by its record but missing" in caplog.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("iep.html", b"<script>alert(1)</script>", "cannot be uploaded"),
        ("iep.pdf", b"<html>not a pdf</html>", "does not match its .pdf name"),
        ("../../iep.pdf", b"", "The submitted file is empty."),
        ("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_it_refuses_a_document_of_the_wrong_type_or_size_with_a_clear_error(
    world, plan, name, content, message
):
    response = client_for(world.head_of_year9).post(
        reverse("support_plans:document_add", args=[plan.pk]),
        {"kind": "iep", "title": "", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PlanDocument.objects.exists()


def test_it_removes_a_document_after_a_confirmation_with_its_file(
    world, plan, django_capture_on_commit_callbacks
):
    document = documents.document_add(
        actor=world.head_of_year9, plan=plan, kind="iep", title="IEP", upload=_iep()
    )
    stored = document.file.name
    client = client_for(world.head_of_year9)
    url = reverse("support_plans:document_delete", args=[document.pk])
    assert "Remove “IEP”?" in client.get(url).content.decode()
    assert PlanDocument.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not PlanDocument.objects.exists() and not default_storage.exists(stored)
    assert AuditEvent.objects.filter(action="delete", object_type="support_plans.PlanDocument").exists()


def test_the_pupils_teachers_see_and_print_the_communication_passport(world, plan):
    client = client_for(world.head_of_year9)
    assert client.post(reverse("support_plans:passport_edit", args=[plan.pk]), PASSPORT).status_code == 302
    passport = CommunicationPassport.objects.get(pupil=world.alice)
    assert passport.updated_by == world.head_of_year9
    # Alice's form tutor sees it on her profile and prints it; the tutor cannot edit the plan.
    tutor = client_for(world.tutor)
    profile = tutor.get(reverse("people:pupil_detail", args=[world.alice.pk])).content.decode()
    assert "A quiet word, not in front of the class." in profile
    printed = tutor.get(reverse("support_plans:passport_print", args=[world.alice.pk]))
    assert printed.status_code == 200 and "Being shouted at." in printed.content.decode()
    assert tutor.post(reverse("support_plans:passport_edit", args=[plan.pk]), PASSPORT).status_code == 403
    # Saving again updates the one passport.
    client.post(reverse("support_plans:passport_edit", args=[plan.pk]), {**PASSPORT, "what_helps": "Time."})
    assert CommunicationPassport.objects.get().what_helps == "Time."


def test_it_refuses_a_passport_with_a_section_left_empty(world, plan):
    response = client_for(world.head_of_year9).post(
        reverse("support_plans:passport_edit", args=[plan.pk]), {**PASSPORT, "what_helps": " "}
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not CommunicationPassport.objects.exists()


def test_the_checklist_ticks_off_actions_and_shows_overdue_ones_on_the_coordinators_home(world, plan):
    today = timezone.localdate()
    late = documents.action_add(
        actor=world.head_of_year9,
        plan=plan,
        description="Book the breakfast club place",
        owner=world.tutor,
        due_on=today - datetime.timedelta(days=2),
        today=today - datetime.timedelta(days=7),
    )
    client = client_for(world.head_of_year9)
    response = client.post(
        reverse("support_plans:action_add", args=[plan.pk]),
        {"description": "Ask CAMHS for a note", "owner": world.head_of_year9.pk, "due_on": today.isoformat()},
    )
    assert response.status_code == 302
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    refused = client.post(
        reverse("support_plans:action_add", args=[plan.pk]),
        {"description": "Too late", "owner": world.head_of_year9.pk, "due_on": yesterday},
    )
    assert "cannot be in the past" in refused.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "Checklist actions overdue" in home
    assert "Book the breakfast club place" in home and "Ask CAMHS for a note" not in home
    assert client.post(reverse("support_plans:action_done", args=[late.pk])).status_code == 302
    late.refresh_from_db()
    assert late.done_on == today and late.done_by == world.head_of_year9
    assert "Checklist actions overdue" not in client.get(reverse("home")).content.decode()
    assert PlanAction.objects.count() == 2


def _urls(world, plan):
    document = documents.document_add(
        actor=world.head_of_year9, plan=plan, kind="iep", title="IEP", upload=_iep()
    )
    documents.passport_save(actor=world.head_of_year9, plan=plan, **PASSPORT)
    action = documents.action_add(
        actor=world.head_of_year9,
        plan=plan,
        description="Share the card",
        owner=world.tutor,
        due_on=timezone.localdate(),
    )
    return [
        (reverse("support_plans:document_add", args=[plan.pk]), "get"),
        (reverse("support_plans:document_download", args=[document.pk]), "get"),
        (reverse("support_plans:document_delete", args=[document.pk]), "get"),
        (reverse("support_plans:document_delete", args=[document.pk]), "post"),
        (reverse("support_plans:passport_edit", args=[plan.pk]), "get"),
        (reverse("support_plans:action_add", args=[plan.pk]), "get"),
        (reverse("support_plans:action_done", args=[action.pk]), "post"),
    ]


@outsider_test(
    "support_plans:document_add",
    "support_plans:document_download",
    "support_plans:document_delete",
    "support_plans:passport_edit",
    "support_plans:passport_print",
    "support_plans:action_add",
    "support_plans:action_done",
)
def test_it_hides_the_documents_from_another_school_with_404(world, plan):
    client = client_for(world.outsider)
    for url, method in _urls(world, plan):
        assert_outsider_404(client, url, method)
    assert_outsider_404(client, reverse("support_plans:passport_print", args=[world.alice.pk]))
    assert PlanDocument.objects.count() == 1 and not PlanAction.objects.filter(done_on__isnull=False).exists()


def test_it_refuses_a_head_of_another_year_with_403_on_every_document_page(world, plan):
    client = client_for(world.head_of_year10)
    for url, method in _urls(world, plan):
        assert getattr(client, method)(url).status_code == 403, url
    assert client.get(reverse("support_plans:passport_print", args=[world.alice.pk])).status_code == 403
    assert PlanDocument.objects.count() == 1
