"""Figures screens: the dashboard and the persistent-absence list, with their CSV exports."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from attendance import permissions, selectors
from attendance.forms import (
    FiguresForm,
)
from attendance.views.common import _organisation, _pct
from audit.services import record_event
from core.exports import export_response

# --- Figures ----------------------------------------------------------------------------------


PAGE_SIZE = 50
_PK = 987654321  # stands for a pupil's id in a reversed URL, replaced by each row's


def _figures_scope(request: HttpRequest) -> tuple[Any, FiguresForm, datetime.date, datetime.date]:
    organisation = _organisation(request, permissions.can_see_figures)
    years = permissions.figures_years(request.user, organisation)  # a head of year: their own years only
    scope = selectors.scope_for(organisation)
    form = FiguresForm(
        request.GET or None,
        organisation_ids=scope.organisation_ids,
        organisations=[organisation],
        years=years,
    )
    today = timezone.localdate()
    start, end = selectors.academic_year_start(today), today
    if form.is_valid():
        d = form.cleaned_data
        start, end = d["start"] or start, d["end"] or end
        if d.get("school"):
            scope.school = d["school"]
            scope.organisation_ids = [d["school"].pk]
        scope.site_id = d["site"].pk if d["site"] else None
        scope.year_group = d["year"]
        scope.group = d.get("group")
    if years is not None and scope.year_group not in years:
        scope.year_group = years[0]
    return scope, form, start, end


def _export_rows(rows: list[dict[str, Any]]):
    for r in rows:
        p = r["pupil"]
        yield [
            p.display_name,
            p.upn,
            p.year_label,
            p.organisation.name,
            r["possible"],
            r["attended"],
            r["authorised"],
            r["unauthorised"],
            round(r["attendance_rate"] * 100, 1),
            round(r["absence_rate"] * 100, 1),
            "yes" if r["is_persistent"] else "no",
            "yes" if r["is_severe"] else "no",
        ]


_STATUS = {  # a row's status tag, by whether the absence is severe
    True: mark_safe('<span class="tag tag--bad">Severe</span>'),  # noqa: S308 a constant
    False: mark_safe('<span class="tag tag--warn">Persistent</span>'),  # noqa: S308 a constant
}


def _absence_rows_html(rows: list[dict[str, Any]]) -> SafeString:
    """The list's table rows, escaped, built in one pass with the pupil's URL reversed once (as the template
    loop wrote them, it was most of the page's own time: a URL, eight values and a tag a row)."""
    pupil_url = reverse("attendance:pupil", args=[_PK]).replace(str(_PK), "{}")
    return format_html_join(
        "",
        '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        "<td>{}</td></tr>",
        (
            (
                pupil_url.format(r["pupil_id"]),
                r["pupil"].display_name,
                r["pupil"].organisation.name,
                r["pupil"].year_label,
                r["possible"],
                r["authorised"],
                r["unauthorised"],
                r["absence_pct"],
                _STATUS[r["is_severe"]],
            )
            for r in rows
        ),
    )


EXPORT_HEADER = [
    "Pupil",
    "UPN",
    "Year",
    "School",
    "Possible sessions",
    "Attended",
    "Authorised absence",
    "Unauthorised absence",
    "Attendance %",
    "Absence %",
    "Persistent",
    "Severe",
]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Figures for the school (or group of schools), a site, a year or a group over any dates."""
    scope, form, start, end = _figures_scope(request)
    split = selectors.split_range(scope, start, end)  # asked once for the headline and the trend
    headline = selectors.scope_headline(scope, start, end, split=split, worst=20)
    totals = headline["totals"]
    trend = selectors.scope_trend(scope, start, end, split=split)
    chart = {
        "labels": [f"{w['week']:%-d %b}" for w in trend],
        "attendance": [round((w["attendance_rate"] or 0) * 100, 1) for w in trend],
        "absence": [round((w["absence_rate"] or 0) * 100, 1) for w in trend],
    }
    worst = selectors.attach_pupils(headline["worst"])
    pupil_url = reverse("attendance:pupil", args=[_PK]).replace(str(_PK), "{}")  # reversed once, not a row
    for row in worst:
        row["url"] = pupil_url.format(row["pupil_id"])
    return render(
        request,
        "attendance/dashboard.html",
        {
            "scope": scope,
            "form": form,
            "start": start,
            "end": end,
            "totals": totals,
            "attendance_pct": _pct(totals["attendance_rate"]),
            "absence_pct": _pct(totals["absence_rate"]),
            "authorised_pct": _pct(totals["authorised"] / totals["possible"] if totals["possible"] else None),
            "unauthorised_pct": _pct(
                totals["unauthorised"] / totals["possible"] if totals["possible"] else None
            ),
            "pupil_count": headline["pupils"],
            "persistent": headline["persistent"],
            "severe": headline["severe"],
            "trend": trend,
            "chart": chart,
            "worst": worst,
            "query": request.GET.urlencode(),
            "absence_url": reverse("attendance:absence_list"),
        },
    )


@require_GET
def absence_list(request: HttpRequest) -> HttpResponse:
    """Persistent (≥ 10%) or severe (≥ 50%) absence across the scope; exportable."""
    scope, form, start, end = _figures_scope(request)
    level = "severe" if request.GET.get("level") == "severe" else "persistent"
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        rows = selectors.scope_per_pupil(scope, start, end, threshold=level)
        record_event(
            action="export",
            actor=request.user,
            organisation_id=scope.organisation.pk,
            object_type="attendance.AttendanceMark",
            note=f"{level} absence list, {len(rows)} pupils, {start}–{end}",
        )
        return export_response(
            fmt,
            f"{level}-absence-{start:%Y%m%d}-{end:%Y%m%d}",
            EXPORT_HEADER,
            _export_rows(selectors.attach_pupils(rows)),
            title=f"{level.title()} absence",
        )
    # The database sorts and pages; the paginator only needs the count (a range stands in for the rows).
    asked = request.GET.get("page", "1")
    number = int(asked) if asked.isdigit() and int(asked) > 0 else 1
    rows, count = selectors.scope_per_pupil_page(
        scope, start, end, threshold=level, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    page = Paginator(range(count), PAGE_SIZE).get_page(number)
    if page.number != number:  # past the last page: show the last one
        rows, count = selectors.scope_per_pupil_page(
            scope, start, end, threshold=level, offset=(page.number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    listed = selectors.attach_pupils(rows)
    page.object_list = listed  # type: ignore[assignment]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "attendance/absence_list.html",
        {
            "scope": scope,
            "form": form,
            "start": start,
            "end": end,
            "level": level,
            "page_obj": page,
            "rows_html": _absence_rows_html(listed),
            "count": count,
            "query": params.urlencode(),
            "querystring_prefix": params.urlencode() + "&",
        },
    )
