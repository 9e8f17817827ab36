"""Fixtures shared by the qualifications tests (each module builds its own world as `w`)."""

from __future__ import annotations

import pytest

from qualifications.tests.helpers import TODAY, book


@pytest.fixture
def booked(w):
    """Two ISQAM online places (£499 each) booked by Oakfield's CPD coordinator."""
    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]])
    return booking


@pytest.fixture
def full(w):
    """ISQAM online (£499 a place, no safeguarding needed) with capacity 1: Teacher1 enrolled, Teacher2 waiting."""
    w.isqam_online.capacity = 1
    w.isqam_online.save()
    first, _ = book(w, w.isqam_online, [w.staff[0]], on=TODAY)
    second, _ = book(w, w.isqam_online, [w.staff[1]], on=TODAY)
    return first.enrolments.get(), second.enrolments.get()
