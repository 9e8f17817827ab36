"""Building blocks for tests, the benchmark and the demo: a small programme edition and enrolments on it.

Uses the qualifications models directly (they own the content); the real PLQ/PLQJ/ISQAM data is loaded by the
qualifications app, and the demo builder prefers it when present.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from organisations.models import AcademicYear, Organisation
from qualifications.models import (
    Activity,
    Booking,
    Cluster,
    DeliveryModel,
    Edition,
    Enrolment,
    Level,
    Module,
    Programme,
)
from qualifications.selectors import quote_fee
from qualifications.services.invoices import document_number_next

# Level 1 as in the PLQ documents, abridged: the kinds of activity the portfolio must handle.
# Each module: (number, title, activities); each activity: (number, title, kind, extra settings).
LEVEL1_ACTIVITIES: list[tuple[int, str, list[tuple[str, str, str, dict[str, Any]]]]] = [
    (
        1,
        "Establishing standards in day-to-day pastoral care",
        [
            (
                "1.1",
                "Review your school's behaviour and pastoral policies and write a reflection.",
                "required",
                {"reflect": True},
            ),
            ("1.2", "Shadow a senior pastoral colleague for a day.", "optional", {}),
        ],
    ),
    (
        2,
        "Listening skills and managing difficult conversations with pupils, parents and staff",
        [
            (
                "2.1",
                "Three coaching conversations, at least one addressing a difficult issue.",
                "minimum",
                {"minimum": 3, "note": "At least one addressing a difficult issue.", "difficult": True},
            ),
            (
                "2.2",
                "Either lead a parents' meeting or observe one and write it up.",
                "choice",
                {"alternatives": ["Lead a parents' meeting", "Observe a parents' meeting"]},
            ),
        ],
    ),
    (
        3,
        "Nurturing pupil wellbeing and mental health, part 1",
        [
            ("3.1", "Map the wellbeing provision in your school.", "required", {}),
            ("3.2", "A minimum of 5 lesson observations focused on wellbeing.", "minimum", {"minimum": 5}),
        ],
    ),
    (
        4,
        "Technology and pastoral care: Opportunities and challenges",
        [
            ("4.1", "Audit your school's online safety education.", "required", {"reflect": True}),
        ],
    ),
]


@dataclass
class Programme1:
    provider: Organisation
    university: Organisation
    programme: Programme
    edition: Edition
    level1: Level
    level2: Level
    clusters: list[Cluster]


def academic_year(start: int) -> AcademicYear:
    year, _ = AcademicYear.objects.get_or_create(
        name=f"{start}-{str(start + 1)[-2:]}",
        defaults={"starts_on": datetime.date(start, 9, 1), "ends_on": datetime.date(start + 1, 8, 31)},
    )
    return year


def build_programme(
    *,
    provider: Organisation,
    university: Organisation,
    year_start: int,
    deadline: datetime.date | None = None,
    delivery_models: tuple[str, ...] = (DeliveryModel.ORIGINAL, DeliveryModel.VIRTUAL),
    code: str = "PLQ",
) -> Programme1:
    programme, _ = Programme.objects.get_or_create(
        organisation=provider,
        code=code,
        defaults={
            "name": "Pastoral Leadership Qualification",
            "audience": "Middle leaders",
            "university_partner": university,
        },
    )
    edition = Edition.objects.create(
        organisation=provider,
        programme=programme,
        academic_year=academic_year(year_start),
        title=f"{code} {year_start}-{str(year_start + 1)[-2:]}",
        portfolio_deadline=deadline or datetime.date(year_start + 1, 7, 31),
    )
    level1 = Level.objects.create(organisation=provider, edition=edition, number=1)
    level2 = Level.objects.create(organisation=provider, edition=edition, number=2)
    for number, title, activities in LEVEL1_ACTIVITIES:
        module = Module.objects.create(
            organisation=provider,
            edition=edition,
            level=level1,
            number=number,
            title=title,
            delivered_by="experienced HMC pastoral deputy heads",
        )
        for position, (num, atitle, kind, extra) in enumerate(activities):
            Activity.objects.create(
                organisation=provider,
                module=module,
                number=num,
                position=position,
                title=atitle,
                kind=kind,
                minimum_count=extra.get("minimum"),
                minimum_note=extra.get("note", ""),
                alternatives=extra.get("alternatives", []),
                choice_count=len(extra.get("alternatives", [])) or None,
                is_structured_reflection=extra.get("reflect", False),
                requires_difficult_issue=extra.get("difficult", False),
            )
    module5 = Module.objects.create(
        organisation=provider,
        edition=edition,
        level=level2,
        number=5,
        title="Whole school pastoral practice",
        delivered_by="a HMC Member Head",
    )
    Activity.objects.create(
        organisation=provider, module=module5, number="5.1", title="Lead a whole-school review."
    )
    clusters = [
        Cluster.objects.create(
            organisation=provider,
            edition=edition,
            level=level1,
            name=f"Level 1 cluster {chr(65 + i)}",
            delivery_model=model,
            capacity=40,
        )
        for i, model in enumerate(delivery_models)
    ]
    return Programme1(provider, university, programme, edition, level1, level2, clusters)


def enrol(
    *,
    cluster: Cluster,
    school: Organisation,
    participant: Any,
    mentor: Any,
    booked_by: Any | None = None,
    paid_on: datetime.date | None = None,
) -> Enrolment:
    """A confirmed place for one participant, with their mentor (booking included), booked on the first day of the
    edition's year: at the edition's fee for the school when it has one (else a nominal fee), with the provider's
    next invoice number, booked by `booked_by` (the mentor when not given) and paid on `paid_on` if given."""
    edition = cluster.edition
    on = edition.academic_year.starts_on
    try:
        quote = quote_fee(edition=edition, delivery_model=cluster.delivery_model, school=school, on=on)
    except ValidationError:  # an edition built here for tests has no fee rules
        fee, is_member = Decimal("625.00"), True
    else:
        fee, is_member = quote.amount, quote.is_member
    with transaction.atomic():
        booking = Booking.objects.create(
            organisation=school,
            provider=cluster.organisation,
            cluster=cluster,
            edition=edition,
            booked_by=booked_by or mentor,
            booked_on=on,
            is_member=is_member,
            fee_per_place=fee,
            invoice_number=document_number_next(cluster.organisation, "invoice", on),
            payment_terms_days=edition.payment_terms_days,
            due_on=on + datetime.timedelta(days=edition.payment_terms_days),
            paid=paid_on is not None,
            paid_on=paid_on,
        )
    return Enrolment.objects.create(
        organisation=school,
        provider=cluster.organisation,
        booking=booking,
        edition=edition,
        level=cluster.level,
        cluster=cluster,
        participant=participant,
        mentor=mentor,
        status=Enrolment.Status.ENROLLED,
        fee=fee,
    )
