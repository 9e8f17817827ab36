"""Writes to people records. Every change is audited through the model's tracking."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from people.models import Pupil


@transaction.atomic
def pupil_update(*, actor: Any, pupil: Pupil, data: dict[str, Any]) -> Pupil:
    """Change a pupil's details by hand (the MIS import is the usual path)."""
    for field, value in data.items():
        setattr(pupil, field, value)
    pupil.full_clean()
    pupil.save()
    return pupil
