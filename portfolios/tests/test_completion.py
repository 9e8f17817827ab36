"""A certificate completes the place it certifies (so a certified Level 1 counts for a Level 2 booking); revoking it
puts the place back to enrolled, and the Level 2 booking is warned again."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from core.testing.personas import client_for
from portfolios import services
from portfolios.models import Certificate, Outcome, Portfolio
from qualifications import services as qualification_services
from qualifications.models import Enrolment
from qualifications.tests.helpers import QualWorld, book, build_qual_world, safeguarded

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


@pytest.fixture
def w() -> QualWorld:
    return build_qual_world()


def _level1_place(w: QualWorld) -> Enrolment:
    safeguarded(w.school.school, w.staff[0])
    booking, _ = book(w, w.plq_l1, [w.staff[0]])
    return booking.enrolments.get()


def _certify(w: QualWorld, enrolment: Enrolment) -> Certificate:
    portfolio = services.portfolio_for_enrolment(enrolment=enrolment)
    portfolio.final_outcome = Outcome.SATISFACTORY
    portfolio.status = Portfolio.Status.FINAL
    portfolio.save()
    return services.certificate_issue(portfolio=portfolio, base_url=BASE, actor=w.admin)


def test_it_completes_the_place_when_the_certificate_is_issued(w: QualWorld) -> None:
    """Issuing the certificate marks the place completed, at the certificate's time, with an audit note."""
    place = _level1_place(w)
    cert = _certify(w, place)
    place.refresh_from_db()
    assert place.status == Enrolment.Status.COMPLETED and place.completed_at == cert.issued_at
    assert AuditEvent.objects.filter(
        object_type="qualifications.Enrolment",
        object_id=str(place.pk),
        note__contains=cert.code,
        actor=w.admin,
    ).exists()


def test_it_books_level_2_without_a_warning_after_level_1_is_certified_and_warns_again_once_revoked(
    w: QualWorld,
) -> None:
    """Certified Level 1: no warning. Certificate revoked: the place is enrolled again and the warning comes back."""
    place = _level1_place(w)
    cert = _certify(w, place)
    booking, warnings = book(w, w.plq_l2, [w.staff[0]])
    assert warnings == [] and not booking.enrolments.get().level1_warning
    qualification_services.cancel_enrolment(actor=w.coordinator, enrolment=booking.enrolments.get())

    services.certificate_revoke(actor=w.admin, certificate=cert, reason="Portfolio found to be plagiarised")
    place.refresh_from_db()
    assert place.status == Enrolment.Status.ENROLLED
    assert place.completed_at is None and place.completion_revoked_at is not None
    assert AuditEvent.objects.filter(
        object_id=str(place.pk), note__contains="Completion undone", actor=w.admin
    ).exists()
    again, warnings = book(w, w.plq_l2, [w.staff[0]])
    assert len(warnings) == 1 and "has no PLQ Level 1 on record" in warnings[0]
    assert again.enrolments.get().level1_warning


def test_it_revokes_through_the_screen_and_says_the_place_reopens(w: QualWorld) -> None:
    """The administrator's revoke page warns that the place goes back to enrolled, and the POST does it."""
    place = _level1_place(w)
    cert = _certify(w, place)
    client = client_for(w.admin)
    url = f"/portfolios/certificate/{cert.pk}/revoke/"
    assert "goes back from completed to enrolled" in client.get(url).content.decode()
    client.post(url, {"reason": "Issued in error"})
    place.refresh_from_db()
    assert place.status == Enrolment.Status.ENROLLED


def test_it_refuses_to_complete_a_place_that_is_not_enrolled(w: QualWorld) -> None:
    """A withdrawn place is not completed (and nothing changes); completing twice is harmless."""
    place = _level1_place(w)
    qualification_services.complete_enrolment(actor=w.admin, enrolment=place)
    first = Enrolment.objects.get(pk=place.pk).completed_at
    qualification_services.complete_enrolment(actor=w.admin, enrolment=place)
    assert Enrolment.objects.get(pk=place.pk).completed_at == first
    Enrolment.objects.filter(pk=place.pk).update(status=Enrolment.Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="withdrawn"):
        qualification_services.complete_enrolment(actor=w.admin, enrolment=place)


def test_it_completes_the_places_of_certificates_issued_before_the_migration(w: QualWorld) -> None:
    """The data migration completes each certified place and records the revocation of a revoked one."""
    place = _level1_place(w)
    cert = _certify(w, place)
    safeguarded(w.school.school, w.staff[1])
    revoked_booking, _ = book(w, w.plq_l1, [w.staff[1]])
    revoked_place = revoked_booking.enrolments.get()
    revoked = _certify(w, revoked_place)
    revoked_at = timezone.now()
    Certificate.objects.filter(pk=revoked.pk).update(revoked_at=revoked_at, revoked_reason="In error")
    # As the data stood before certificates completed places.
    Enrolment.objects.filter(pk__in=[place.pk, revoked_place.pk]).update(
        status=Enrolment.Status.ENROLLED, completed_at=None, completion_revoked_at=None
    )
    migration = importlib.import_module(
        "portfolios.migrations.0002_entry_difficult_issue_and_completed_places"
    )
    migration.complete_certified_places(apps, None)
    place.refresh_from_db()
    revoked_place.refresh_from_db()
    assert place.status == Enrolment.Status.COMPLETED and place.completed_at == cert.issued_at
    assert revoked_place.status == Enrolment.Status.ENROLLED
    assert revoked_place.completion_revoked_at == revoked_at
