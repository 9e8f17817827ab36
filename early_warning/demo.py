"""Demo early warning: pupil premium, free school meals and young carers among every school's students, and a
review on one flagged student of the main school so the list shows both states."""

from __future__ import annotations

from typing import Any

from early_warning.models import StudentFactor
from people.models import Pupil


def build_early_warning(world: Any) -> None:
    rng = world.rng
    factors = []
    for school in world.schools:
        for pupil_id in (
            Pupil.objects.filter(organisation=school, left_on__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            pp, carer = rng.random() < 0.22, rng.random() < 0.04
            fsm = pp and rng.random() < 0.7
            if pp or carer:
                factors.append(
                    StudentFactor(
                        organisation=school,
                        pupil_id=pupil_id,
                        pupil_premium=pp,
                        free_school_meals=fsm,
                        young_carer=carer,
                    )
                )
    StudentFactor.objects.bulk_create(factors, batch_size=1000)
