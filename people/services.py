"""Writes to people records. Every change is audited through the model's tracking."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from organisations.models import Site
from people.models import Pupil


@transaction.atomic
def pupil_update(
    *,
    actor: Any,
    pupil: Pupil,
    legal_first_name: str,
    legal_last_name: str,
    preferred_first_name: str,
    preferred_last_name: str,
    date_of_birth: datetime.date,
    sex: str,
    upn: str,
    uln: str,
    year_group: int,
    site: Site | None,
    sen_status: str,
    admitted_on: datetime.date | None,
    left_on: datetime.date | None,
    retention_hold: str,
) -> Pupil:
    """Change a pupil's details by hand (the MIS import is the usual path). Refused (ValidationError, by field)
    when the record as a whole is not valid, e.g. a UPN another pupil of the school has; `pupil` is left as it was."""
    locked = Pupil.objects.select_for_update().get(organisation_id=pupil.organisation_id, pk=pupil.pk)
    locked.legal_first_name, locked.legal_last_name = legal_first_name, legal_last_name
    locked.preferred_first_name, locked.preferred_last_name = preferred_first_name, preferred_last_name
    locked.date_of_birth, locked.sex, locked.upn, locked.uln = date_of_birth, sex, upn, uln
    locked.year_group, locked.site, locked.sen_status = year_group, site, sen_status
    locked.admitted_on, locked.left_on, locked.retention_hold = admitted_on, left_on, retention_hold
    locked.full_clean()
    locked.save()
    return locked
