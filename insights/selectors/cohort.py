"""The students a dashboard counts: the pupils the user may see, on roll at some time in the range, narrowed to
the chosen school, site, year or group, with what each breakdown reads about them (two or three queries)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from access.permissions import visible_pupils
from attendance.selectors import Scope
from organisations.models import Organisation
from organisations.vocabulary import vocabulary_for
from people.models import GroupMembership, Pupil

SEX_LABELS = {"F": "Female", "M": "Male", "": "Not recorded"}
SEN_LABELS = {"N": "No SEN", "K": "SEN support", "E": "EHC plan", "": "Not recorded"}


@dataclass(frozen=True)
class Facts:
    """What a breakdown reads about one student."""

    organisation_id: int
    year_group: int
    sex: str
    sen_status: str
    pupil_premium: bool
    group: str


@dataclass
class Cohort:
    """A dashboard's students over a date range, and what it was narrowed to."""

    organisation: Organisation  # the organisation chosen in the header (a school or a group of schools)
    schools: list[Organisation]
    start: datetime.date
    end: datetime.date
    pupils: dict[int, Facts]
    label: str
    # The attendance scope when the cohort is every pupil of it (the trend reads the weekly roll-up), else None.
    scope: Scope | None = None
    narrowed: dict[str, Any] = field(default_factory=dict)
    queryset: Any = None  # the Pupil queryset the cohort was read from (a subquery for the other reads)

    @property
    def ids(self) -> set[int]:
        return set(self.pupils)

    @property
    def is_group_of_schools(self) -> bool:
        return self.organisation.kind == Organisation.Kind.GROUP

    def school_name(self, organisation_id: int) -> str:
        return next((s.name for s in self.schools if s.pk == organisation_id), "")

    def year_label(self, year_group: int) -> str:
        return vocabulary_for(self.schools[0] if self.schools else self.organisation).year_label(year_group)


def on_roll_between(start: datetime.date, end: datetime.date) -> Q:
    """Pupils on roll on at least one day of [start, end]."""
    return Q(
        Q(admitted_on__isnull=True) | Q(admitted_on__lte=end), Q(left_on__isnull=True) | Q(left_on__gte=start)
    )


def build_cohort(
    user: Any,
    schools: list[Organisation],
    start: datetime.date,
    end: datetime.date,
    *,
    organisation: Organisation,
    label: str,
    narrow: Q | None = None,
    scope: Scope | None = None,
    narrowed: dict[str, Any] | None = None,
    every_pupil: bool = False,
) -> Cohort:
    """The cohort: the pupils of `schools` the user may see (every one with `every_pupil`, for a report whose
    figures are only ever totals) on roll in the range, `narrow`ed; the facts every breakdown reads."""
    from early_warning.selectors import pupil_premium_ids

    ids = [s.pk for s in schools]
    base = Pupil.objects.all() if every_pupil else visible_pupils(user)
    qs = base.filter(on_roll_between(start, end), organisation_id__in=ids)
    if narrow is not None:
        qs = qs.filter(narrow)
    rows = list(qs.order_by().values_list("pk", "organisation_id", "year_group", "sex", "sen_status"))
    found: Any = qs.order_by().values("pk")
    premium = pupil_premium_ids(ids, found)
    groups = dict(
        GroupMembership.objects.current(end)
        .filter(organisation_id__in=ids, group__kind="tutor", pupil_id__in=found)
        .order_by("starts_on")
        .values_list("pupil_id", "group__name")
    )
    pupils = {
        pk: Facts(org, year or 0, sex or "", sen or "", pk in premium, groups.get(pk, ""))
        for pk, org, year, sex, sen in rows
    }
    return Cohort(organisation, schools, start, end, pupils, label, scope, narrowed or {}, qs)


def pupils_in(cohort: Cohort) -> Any:
    """The cohort as a Pupil queryset (for reads that take one): the query it was read from, not a list of ids."""
    if cohort.queryset is not None:
        return cohort.queryset
    return Pupil.objects.filter(
        organisation_id__in=[s.pk for s in cohort.schools], pk__in=list(cohort.pupils)
    )
