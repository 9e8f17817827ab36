"""Reads for termly reports to parents: the term a report covers, the students of a batch, what one student's
report says (attendance, punctuality, behaviour and support read through `services.frozen_figures`, the LPRs and
targets of the eLLP, the PAL's comment) and whom it may be e-mailed to (people's "no contact" rule)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from caseloads.models import LearningTarget, Review, TargetProgress
from caseloads.report_models import ReportBatch
from caseloads.services import academic_year_for, frozen_figures
from people.models import Group, GroupMembership, Pupil


def term_for(
    organisation: Any, today: datetime.date | None = None
) -> tuple[str, datetime.date, datetime.date]:
    """The term a report covers by default: the school's term open today (else the last one started), as
    (title, first day, today or its last day); without term dates, the academic year so far."""
    from organisations.models import Term

    today = today or timezone.localdate()
    term = (
        Term.objects.filter(organisation=organisation, starts_on__lte=today)
        .select_related("academic_year")
        .order_by("-starts_on")
        .first()
    )
    if term is not None and term.ends_on >= today - datetime.timedelta(days=60):
        return (
            f"{term.get_kind_display()} term {term.academic_year}",
            term.starts_on,
            min(term.ends_on, today),
        )
    year = academic_year_for(today)
    return f"Academic year {year}", year.starts_on, today


def caseload_groups_of(pal: Any, organisation_id: int, on: datetime.date | None = None) -> list[Group]:
    """The groups of a PAL's caseload in a school (their current PAL assignments)."""
    ids = (
        RoleAssignment.objects.current(on or timezone.localdate())
        .filter(organisation_id=organisation_id, user=pal, role=Role.PAL, group__isnull=False)
        .values("group_id")
    )
    return list(Group.objects.filter(organisation_id=organisation_id, pk__in=ids))


def batch_students(batch: ReportBatch, on: datetime.date | None = None) -> list[Pupil]:
    """The students a batch reports on, today, by surname: a group's or a caseload's current members, or the
    year group's students on roll."""
    on = on or timezone.localdate()
    pupils = Pupil.objects.filter(organisation_id=batch.organisation_id).select_related("organisation")
    if batch.scope == ReportBatch.Scope.YEAR and batch.year_group is not None:
        pupils = pupils.filter(year_group=batch.year_group).exclude(left_on__lt=on)
    else:
        groups = (
            [batch.group] if batch.scope == ReportBatch.Scope.GROUP and batch.group else []
        ) or caseload_groups_of(batch.pal, batch.organisation_id, on)
        members = GroupMembership.objects.current(on).filter(group__in=groups).values("pupil_id")
        pupils = pupils.filter(pk__in=members)
    return list(pupils.order_by("legal_last_name", "legal_first_name", "pk"))


def report_data(pupil: Pupil, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """What a student's termly report says about `start`–`end`."""
    reviews = list(
        Review.objects.filter(
            organisation_id=pupil.organisation_id,
            pupil=pupil,
            held_on__gte=start,
            held_on__lte=end,
            signed_off_at__isnull=False,
        )
        .select_related("window", "reviewer")
        .order_by("held_on", "pk")
    )
    year = academic_year_for(end)
    targets = list(
        LearningTarget.objects.filter(
            organisation_id=pupil.organisation_id,
            pupil=pupil,
            review__held_on__gte=year.starts_on,
            review__held_on__lte=end,
            review__signed_off_at__isnull=False,
        ).order_by("review__held_on", "pk")
    )
    latest: dict[int, TargetProgress] = {}
    for p in TargetProgress.objects.filter(
        organisation_id=pupil.organisation_id,
        target__in=targets,
        review__held_on__lte=end,
        review__signed_off_at__isnull=False,
    ).order_by("review__held_on", "pk"):
        latest[p.target_id] = p
    last = reviews[-1] if reviews else None
    return {
        "pupil": pupil,
        "start": start,
        "end": end,
        "figures": frozen_figures(pupil, start, end),
        "reviews": reviews,
        "targets": [(t, latest.get(t.pk)) for t in targets],
        "comment": last.comment if last else "",
        "pal": last.reviewer if last else None,
    }


def report_recipients(pupil: Pupil) -> list[str]:
    """The addresses a report may go to: contacts with parental responsibility the school may contact, never an
    address any contact marked "no contact" holds for the student (people.selectors, the one place the rule lives)."""
    from people.selectors import parents_to_contact, refused_contacts

    refused_ids, refused_emails = refused_contacts(pupil.pk)
    out: dict[str, str] = {}
    for link in parents_to_contact(pupil.pk):
        email = (link.contact.email or "").strip()
        if email and link.contact_id not in refused_ids and email.lower() not in refused_emails:
            out.setdefault(email.lower(), email)
    return list(out.values())
