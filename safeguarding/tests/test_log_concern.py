"""Any member of staff logs a concern from the pupil's profile; they see it was received, never the file."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from safeguarding import selectors, services
from safeguarding.models import Concern, ConcernAttachment

from .helpers import concern_data, decide, log, stepped_up

pytestmark = pytest.mark.django_db


world = shared_world()


def _post(world, client, **overrides):
    data = concern_data(pupil=world.alice.pk, **overrides)
    data["happened_at"] = data["happened_at"].strftime("%Y-%m-%dT%H:%M")
    return client.post(reverse("safeguarding:concern_log"), data)


def test_it_offers_the_log_link_on_the_pupil_profile(world):
    """The tutor sees 'Log a safeguarding concern' on Alice's profile, but no link to her file."""
    page = client_for(world.tutor).get(reverse("people:pupil_detail", args=[world.alice.pk])).content.decode()
    assert "Log a safeguarding concern" in page
    assert reverse("safeguarding:chronology", args=[world.alice.pk]) not in page


def test_it_logs_a_concern_from_the_form_and_shows_it_received(world):
    """A tutor's concern is saved with the child's words and shown to them as received."""
    client = client_for(world.tutor)
    response = _post(world, client)
    concern = Concern.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "safeguarding:my_concern", args=[concern.pk]
    )
    assert concern.logged_by == world.tutor and concern.child_words == "There's no food at home."
    page = client.get(response.url).content.decode()
    assert selectors.RECEIVED in page


def test_it_keeps_what_was_typed_when_a_field_is_missing(world):
    """Leaving out what was seen gives a clear error and keeps the child's words."""
    response = _post(world, client_for(world.tutor), seen_or_heard="")
    assert response.status_code == 200 and not Concern.objects.exists()
    page = response.content.decode()
    assert "This field is required" in page and "There&#x27;s no food at home." in page


def test_it_refuses_a_pupil_of_another_school(world):
    """A tutor of Oakfield cannot log a concern about Rory at Riverside through the form (not a choice)."""
    data = concern_data(pupil=world.rory.pk)
    data["happened_at"] = data["happened_at"].strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.tutor).post(reverse("safeguarding:concern_log"), data)
    assert response.status_code == 200 and not Concern.objects.exists()


def test_it_shows_the_logger_reviewed_but_never_the_decision(world):
    """After the DSL decides, the tutor sees 'reviewed' but not the outcome or its reason."""
    concern = log(world)
    decide(world, concern, "social_care", "Secret reason X")
    page = client_for(world.tutor).get(reverse("safeguarding:my_concern", args=[concern.pk])).content.decode()
    assert selectors.REVIEWED in page and "Secret reason X" not in page and "social care" not in page


def test_it_lists_only_my_own_concerns(world):
    """My concerns shows the tutor's concerns, not the head of year's about the same child."""
    mine = log(world)
    log(world, actor=world.head_of_year9, location="Year office")
    page = client_for(world.tutor).get(reverse("safeguarding:my_concerns")).content.decode()
    assert reverse("safeguarding:my_concern", args=[mine.pk]) in page
    assert len(re.findall(r"/safeguarding/mine/\d+/", page)) == 1


def test_it_refuses_another_staff_members_concern_with_403(world):
    """The head of year cannot open the tutor's concern through the logger's page."""
    concern = log(world)
    response = client_for(world.head_of_year9).get(reverse("safeguarding:my_concern", args=[concern.pk]))
    assert response.status_code == 403


@outsider_test("safeguarding:my_concern")
def test_it_hides_a_concern_from_another_school(world):
    """Olive from Riverside gets 404 for an Oakfield concern."""
    concern = log(world)
    assert_outsider_404(client_for(world.outsider), reverse("safeguarding:my_concern", args=[concern.pk]))


def test_it_stores_an_attachment_and_serves_it_only_as_a_download(world):
    """A PDF attachment is kept under a random name and downloaded by the logger, with nosniff."""
    upload = SimpleUploadedFile("note.pdf", b"%PDF-1.4 note", content_type="application/pdf")
    response = _post(world, client_for(world.tutor), attachment=upload)
    assert response.status_code == 302
    attachment = ConcernAttachment.objects.get()
    assert "note" not in attachment.file.name and attachment.content_type == "application/pdf"
    download = client_for(world.tutor).get(reverse("safeguarding:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<script>", "cannot be attached"),
        ("fake.pdf", b"MZ\x90\x00", "does not match"),
        ("note.txt", b"<b>hi</b>", "markup"),
    ],
)
def test_it_refuses_an_attachment_of_the_wrong_type(world, name, content, message):
    """HTML, a disguised executable and marked-up text are refused with a clear error; nothing is saved."""
    response = _post(world, client_for(world.tutor), attachment=SimpleUploadedFile(name, content))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Concern.objects.exists()


def test_it_refuses_an_attachment_over_the_size_limit(world, settings):
    """A file over 10 MB is refused."""
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))
    response = _post(world, client_for(world.tutor), attachment=big)
    assert "larger than 10 MB" in response.content.decode() and not Concern.objects.exists()


def test_it_refuses_an_attachment_to_another_member_of_staff(world):
    """The head of year (not the logger, not the DSL team) gets 403 on the tutor's attachment."""
    concern = services.concern_log(
        actor=world.tutor,
        pupil=world.alice,
        **concern_data(),
        attachment=SimpleUploadedFile("n.png", b"\x89PNG data"),
    )
    attachment = concern.attachments.get()
    url = reverse("safeguarding:attachment_download", args=[attachment.pk])
    assert client_for(world.head_of_year9).get(url).status_code == 403
    assert stepped_up(world.dsl).get(url).status_code == 200


@outsider_test("safeguarding:attachment_download")
def test_it_hides_an_attachment_from_another_school(world):
    """Olive gets 404 for an Oakfield attachment."""
    concern = services.concern_log(
        actor=world.tutor,
        pupil=world.alice,
        **concern_data(),
        attachment=SimpleUploadedFile("n.png", b"\x89PNG"),
    )
    url = reverse("safeguarding:attachment_download", args=[concern.attachments.get().pk])
    assert_outsider_404(client_for(world.outsider), url)


def test_it_audits_the_logger_reading_their_own_concern(world):
    """Opening my own concern writes a read event."""
    concern = log(world)
    client_for(world.tutor).get(reverse("safeguarding:my_concern", args=[concern.pk]))
    assert AuditEvent.objects.filter(
        action="read", object_type="safeguarding.Concern", object_id=str(concern.pk), actor=world.tutor
    ).exists()
