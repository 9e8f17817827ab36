"""Caseload statistics: sessions delivered against those due, the entitlement met and on track, LPR completion
and LPRs on time, per PAL, group, year group, site or school (a group of schools), as a chart with the same
figures in a table beside it, exportable as CSV or XLSX. A PAL sees their caseload, a head of year their year's
caseload groups, a senior leader the school or every member of their group of schools."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attendance.selectors import scope_for
from audit.models import AuditEvent
from audit.services import record_event
from caseloads import statistics as stats
from caseloads.permissions import can_assign, can_see_statistics, visible_groups_q
from caseloads.report_permissions import can_make_reports
from caseloads.views.common import organisation_for
from core.exports import export_response
from organisations.models import Organisation
from people.models import Group

HEADER = [
    "",
    "Groups",
    "Students",
    "Sessions delivered",
    "Sessions missed",
    "Sessions still planned",
    "Delivered of those due so far (%)",
    "Groups with the entitlement met",
    "Groups on track for the entitlement",
    "Entitlement gap (sessions)",
    "LPRs signed off this window",
    "LPR completion (%)",
    "LPRs due in closed windows",
    "LPRs on time",
    "LPRs on time (%)",
    "Passports completed",
    "Passports (%)",
]


def _export_row(r: dict[str, Any]) -> list[Any]:
    return [
        r["label"],
        r["groups"],
        r["students"],
        r["delivered"],
        r["missed"],
        r["planned"],
        r["delivered_pct"],
        r["met"],
        r["on_track"],
        r["gap"],
        r["lpr_done"],
        r["lpr_pct"],
        r["lpr_due"],
        r["lpr_on_time"],
        r["on_time_pct"],
        r["passports_done"],
        r["passports_pct"],
    ]


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for(request, can_see_statistics)
    today = timezone.localdate()
    ids = scope_for(organisation).organisation_ids
    pals = stats.caseload_group_pals(ids, today)
    groups = list(
        Group.objects.filter(visible_groups_q(request.user), organisation_id__in=ids, pk__in=list(pals))
        .only("pk", "organisation_id", "name", "year_group", "site_id")
        .prefetch_related("organisation", "site")  # one instance a school, not a group
    )
    is_group_of_schools = organisation.kind == Organisation.Kind.GROUP
    default = (
        "school" if is_group_of_schools else ("pal" if len({pals[g.pk].pk for g in groups}) > 1 else "group")
    )
    wanted = request.GET.get("by", "")
    by = wanted if wanted in stats.DIMENSIONS else default
    rows = stats.group_rows(groups, pals, today)
    table = stats.summarise(rows, by)
    total = stats.total(rows, organisation.name)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        record_event(
            action=AuditEvent.Action.EXPORT,
            actor=request.user,
            organisation_id=organisation.pk,
            object_type="caseloads.GroupSession",
            note=f"caseload statistics per {stats.DIMENSIONS[by].lower()}, {len(table)} rows",
        )
        header = [stats.DIMENSIONS[by], *HEADER[1:]]
        lines = [_export_row(r) for r in [*table, total]]
        return export_response(fmt, f"caseload-statistics-{by}-{today:%Y%m%d}", header, lines, "Caseloads")
    chart = {
        "labels": [r["label"] for r in table],
        "delivered": [r["delivered_pct"] for r in table],
        "lpr": [r["lpr_pct"] for r in table],
        "on_time": [r["on_time_pct"] for r in table],
        "on_track": [r["on_track_pct"] for r in table],
    }
    return render(
        request,
        "caseloads/statistics.html",
        {
            "by": by,
            "by_label": stats.DIMENSIONS[by],
            "dimensions": stats.DIMENSIONS,
            "table": table,
            "total": total,
            "chart": chart,
            "passports": any(r["passports_total"] is not None for r in [*table, total]),
            "today": today,
            # Reports are made at a school: a group of schools' leader sees its statistics but reports per school.
            "may_make_reports": can_make_reports(request.user, organisation),
            "may_assign": can_assign(request.user, organisation),
        },
    )
