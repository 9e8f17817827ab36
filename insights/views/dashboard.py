"""The statistics of achievement and concern: one dashboard for whatever scope the user may read, with charts,
breakdowns and every table as CSV or Excel (suppressed when it leaves the school for a group of schools)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from access.permissions import can_view_group, get_for_user, schools_reached
from audit.services import record_event
from core.exports import export_response
from core.http import HtmxHttpRequest
from insights import selectors
from insights.permissions import can_read_dashboard, can_request_report
from insights.views.reports import is_one_school
from insights.views.scope import chosen_organisation, filter_form, has_date_errors, resolve
from organisations.models import Organisation
from people.models import Group

EXPORTS = ("headline", "breakdown", "attendance_trend", "behaviour_trend")


def _pct(value: Any) -> Any:
    return f"{value * 100:.1f}" if isinstance(value, float) else value


def _figure_rows(rows: list[dict[str, Any]], suppressed: bool) -> list[dict[str, Any]]:
    return [selectors.suppress_row(r) if suppressed else r for r in rows]


def _table(kind: str, context: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One of the page's tables as a header and rows (what the export writes)."""
    suppressed = context["suppressed"]
    columns = selectors.COLUMNS
    if kind in ("headline", "breakdown"):
        first = "Scope" if kind == "headline" else context["dimension"].label
        rows = [context["headline"]] if kind == "headline" else context["rows"]
        out = []
        for row in _figure_rows(rows, suppressed):
            label = context["cohort"].label if kind == "headline" else row["label"]
            out.append([label, *(_pct(row[c.key]) if c.kind == "rate" else row[c.key] for c in columns)])
        return [first, *(c.label for c in columns)], out
    if kind == "attendance_trend":
        small = suppressed and context["headline"]["with_marks"] < selectors.THRESHOLD
        return ["Week beginning", "Possible sessions", "Attendance %", "Absence %"], [
            [
                w["week"].isoformat(),
                selectors.SUPPRESSED if small else w["possible"],
                selectors.SUPPRESSED if small else _pct(w["attendance_rate"]),
                selectors.SUPPRESSED if small else _pct(w["absence_rate"]),
            ]
            for w in context["trend"]
        ]
    cell = selectors.suppress_count if suppressed else (lambda v: v)
    return ["Month", "Positive behaviour", "Negative incidents"], [
        [m["month"].strftime("%Y-%m"), cell(m["positive"]), cell(m["negative"])] for m in context["behaviour"]
    ]


def _context(request: HtmxHttpRequest, group: Group | None = None) -> dict[str, Any]:
    user = request.user
    organisation = chosen_organisation(request)
    schools = schools_reached(user, organisation)
    form = filter_form(request, organisation, schools)
    if has_date_errors(form):
        return {"form": form, "invalid": True}
    cohort = resolve(request, form, organisation, schools, group=group)
    found = selectors.per_student(user, cohort)
    dimensions = selectors.dimensions_for(user, cohort)
    by = request.GET.get("by", "")
    dimension = next((d for d in dimensions if d.key == by), dimensions[0])
    rows = selectors.breakdown(cohort, found, dimension.key)
    trend = selectors.attendance_trend(cohort)
    behaviour = selectors.behaviour_trend(cohort)
    return {
        "form": form,
        "cohort": cohort,
        "headline": selectors.totals(cohort.ids, found),
        "columns": selectors.COLUMNS,
        "dimensions": dimensions,
        "dimension": dimension,
        "rows": rows,
        "trend": trend,
        "behaviour": behaviour,
        "suppressed": cohort.is_group_of_schools,
        "charts": {
            "trend": {
                "labels": [w["week"].strftime("%d %b") for w in trend],
                "attendance": [round(w["attendance_rate"] * 100, 1) for w in trend],
            },
            "behaviour": {
                "labels": [m["month"].strftime("%b %Y") for m in behaviour],
                "positive": [m["positive"] for m in behaviour],
                "negative": [m["negative"] for m in behaviour],
            },
            "comparison": {
                "title": dimension.label,
                "labels": [r["label"] for r in rows],
                "attendance": [
                    round(r["attendance"] * 100, 1) if r["attendance"] is not None else None for r in rows
                ],
            },
        },
        "group": group,
        # As the report's page decides (reports._school): not offered on a group of schools' figures.
        "can_request_report": is_one_school(organisation) and can_request_report(user, organisation.pk),
        "report_at_a_school": organisation.kind == Organisation.Kind.GROUP
        and any(can_request_report(user, school.pk) for school in schools),
    }


def breakdown_links(request: HtmxHttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """The page's query for its export links and the other breakdowns' links: `by` replaced, never repeated."""

    def query_with(by: str) -> str:
        query = request.GET.copy()
        for key in ("export", "format"):
            query.pop(key, None)
        query["by"] = by  # replaces every `by` already in the address
        return query.urlencode()

    return {
        "query": query_with(context["dimension"].key),
        "other_breakdowns": [
            (d.label, query_with(d.key)) for d in context["dimensions"] if d.key != context["dimension"].key
        ],
    }


def _respond(request: HtmxHttpRequest, context: dict[str, Any]) -> HttpResponse:
    if context.get("invalid"):
        # A period that ends before it starts (or a date that is not one): the form's error, no figures.
        return render(request, "insights/dashboard.html", context, status=400)
    export, fmt = request.GET.get("export", ""), request.GET.get("format", "csv")
    if export in EXPORTS:
        header, rows = _table(export, context)
        cohort = context["cohort"]
        record_event(
            action="export",
            # The school's (or the group of schools') log, where its audit readers look for its figures leaving.
            organisation_id=cohort.organisation.pk,
            note=f"insights {export} ({cohort.label}, {cohort.start}–{cohort.end}), {len(rows)} rows, "
            f"{'suppressed' if context['suppressed'] else 'not suppressed'}, {fmt}",
        )
        return export_response(
            "xlsx" if fmt == "xlsx" else "csv", f"insights-{export}", header, rows, "Insights"
        )
    context.update(breakdown_links(request, context))
    return render(request, "insights/dashboard.html", context)


@require_GET
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """The figures of the scope the filters choose, within what the user may see."""
    return _respond(request, _context(request))


def _may_read_group(user: Any, group: Group) -> bool:
    return can_read_dashboard(user, group.organisation_id) and can_view_group(user, group)


@require_GET
def group_dashboard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One tutor group's figures (its head of year, its PAL, senior leaders)."""
    group = get_for_user(request.user, Group, _may_read_group, pk=pk)
    return _respond(request, _context(request, group))
