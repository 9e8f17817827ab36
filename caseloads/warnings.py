"""The caseloads app's indicators on the early-warning list (registered from caseloads/registrations.py through
`early_warning.registry.register_indicator`; early_warning never imports caseloads).

- LPR rates a high risk of withdrawal / a medium risk: the pupil's latest Learning and Progress Review of the
  academic year held on or before the day rates the risk high (3 points) / medium (1 point). A later review
  rating it low (or medium) replaces an earlier high one.
- Missed LPRs: at least N (default 1) review windows of this academic year closed before the day (a window due
  by the day itself is not missed yet) with no LPR of the pupil's signed off by the day — for pupils on a PAL's
  caseload on the day who were on roll when the window closed (2 points).

Both read caseloads through its selectors, one pass over the schools evaluated together, and are shown to the roles that read LPRs
(PAL, head of year, senior leaders: `caseloads.permissions.reads_lprs`).
"""

from __future__ import annotations

from typing import Any

from early_warning.registry import Context, Indicator, Param


def _ratings(ctx: Context) -> dict[int, Any]:
    from caseloads.selectors import latest_risk_ratings

    return ctx.shared("lpr_ratings", lambda: latest_risk_ratings(ctx.organisation_ids, ctx.on))


def _rated(ctx: Context, risk: str) -> dict[int, str]:
    return {
        pid: f"LPR {r.window.number} on {r.held_on:%d %b %Y} rated the risk of withdrawal {risk}"
        for pid, r in _ratings(ctx).items()
        if r.risk == risk
    }


def lpr_risk_high(ctx: Context) -> dict[int, str]:
    return _rated(ctx, "high")


def lpr_risk_medium(ctx: Context) -> dict[int, str]:
    return _rated(ctx, "medium")


def lpr_missed(ctx: Context) -> dict[int, str]:
    from caseloads.selectors import missed_reviews

    at_least = int(ctx.value("lpr_missed", "windows"))
    found = {}
    for pid, windows in missed_reviews(ctx.organisation_ids, ctx.on).items():
        if len(windows) >= at_least:
            named = ", ".join(f"LPR {w.number} (due by {w.closes_on:%d %b %Y})" for w in windows)
            found[pid] = (
                f"{len(windows)} LPR{'s' if len(windows) != 1 else ''} missed: {named} ({at_least} or more)"
            )
    return found


def _reads_lprs(user: Any, organisation_id: int) -> bool:
    from caseloads.permissions import reads_lprs

    return reads_lprs(user, organisation_id)


INDICATORS = [
    Indicator(
        "lpr_risk_high",
        "LPR: high risk of withdrawal",
        3,
        lpr_risk_high,
        visible_to=_reads_lprs,
        order=45,
        group="Learning and Progress Reviews",
    ),
    Indicator(
        "lpr_risk_medium",
        "LPR: medium risk of withdrawal",
        1,
        lpr_risk_medium,
        visible_to=_reads_lprs,
        order=46,
        group="Learning and Progress Reviews",
    ),
    Indicator(
        "lpr_missed",
        "Missed LPRs",
        2,
        lpr_missed,
        (Param("windows", "At least (review windows missed)", 1, 1, 10),),
        visible_to=_reads_lprs,
        order=47,
        group="Learning and Progress Reviews",
    ),
]
