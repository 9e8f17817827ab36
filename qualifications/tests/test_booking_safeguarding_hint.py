"""The booking page says before anyone is chosen who has no safeguarding training recorded (a PLQ and PLQJ
prerequisite), in the participant choices and in a list; the booking service still refuses them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import client_for
from qualifications.forms import NO_SAFEGUARDING_LABEL
from qualifications.models import Booking
from qualifications.tests.helpers import build_qual_world, safeguarded

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def _choices(page) -> dict[int, str]:  # noqa: ANN001
    """The first place's participant choices, by user id."""
    field = page.context["formset"].forms[0].fields["participant"]
    return {int(value.value): label for value, label in field.choices if value}


def test_it_marks_staff_without_safeguarding_training_in_the_choices(w):
    """On a PLQ cluster, a teacher with no record is labelled so and listed; one with a record is not."""
    safeguarded(w.school.school, w.staff[0])
    page = client_for(w.coordinator).get(reverse("qualifications:booking_create", args=[w.plq_l1.pk]))
    text = page.content.decode()
    choices = _choices(page)
    assert choices[w.staff[0].pk] == w.staff[0].full_name
    assert choices[w.staff[1].pk] == f"{w.staff[1].full_name} ({NO_SAFEGUARDING_LABEL})"
    assert f"{w.staff[1].full_name} ({NO_SAFEGUARDING_LABEL})</option>" in text
    hint = text[text.index('id="no-safeguarding"') :].split("</li>")[0]
    assert w.staff[1].full_name in hint and w.staff[0].full_name not in hint


def test_it_marks_nobody_where_the_programme_needs_no_safeguarding_record(w):
    """ISQAM does not require the record: no label and no list."""
    page = client_for(w.coordinator).get(reverse("qualifications:booking_create", args=[w.isqam_online.pk]))
    assert NO_SAFEGUARDING_LABEL not in page.content.decode()
    assert all(NO_SAFEGUARDING_LABEL not in label for label in _choices(page).values())


def test_it_still_refuses_a_participant_without_a_record_on_submit(w):
    """Choosing a marked participant anyway is refused by the service, as before, and nothing is booked."""
    page = client_for(w.coordinator).post(
        reverse("qualifications:booking_create", args=[w.plq_l1.pk]),
        {
            "place-TOTAL_FORMS": "1",
            "place-INITIAL_FORMS": "0",
            "place-0-participant": w.staff[1].pk,
            "place-0-mentor": w.mentor.pk,
        },
    )
    assert page.status_code == 200
    assert "has no record of safeguarding training" in page.content.decode()
    assert not Booking.objects.exists()
