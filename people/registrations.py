"""What the people app adds to the navigation, the home page and the pupil profile."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from access.permissions import access_for
from access.roles import PUPIL_ROLES, WHOLE_ORGANISATION_ROLES, Role
from core.naturalsort import natural_sorted
from core.registry import register_home_panel, register_nav
from organisations.vocabulary import vocabulary_for, year_label


def _my_groups(request: HttpRequest) -> dict[str, Any] | None:
    from people.selectors import groups_with_counts

    grants = [
        g
        for g in access_for(request.user).grants
        if g.group_id and g.role in (Role.TUTOR, Role.PAL, Role.HEAD_OF_YEAR)
    ]
    if not grants:
        return None
    groups: list[Any] = natural_sorted(
        groups_with_counts(user=request.user, group_ids=[g.group_id for g in grants if g.group_id]),
        key=lambda g: g.name,
    )
    roles = {g.group_id: g.role for g in grants}
    # Each group's role is said beside it only when they differ (a tutor of one group who is PAL of others);
    # otherwise once, in the heading's line.
    mixed = len(set(roles.values())) > 1
    for group in groups:
        group.my_role = Role(roles[group.pk]).label if mixed else ""
    return {
        "groups": groups,
        "pupil_total": sum(g.pupil_count for g in groups),
        "role": "" if mixed else Role(next(iter(roles.values()))).label,
    }


def _my_year(request: HttpRequest) -> dict[str, Any] | None:
    from people.models import Pupil

    years = sorted(
        {
            g.year_group
            for g in access_for(request.user).grants
            if g.role == Role.HEAD_OF_YEAR and g.year_group is not None
        }
    )
    if not years:
        return None
    from access.permissions import visible_pupils

    rows = []
    for year in years:
        qs = visible_pupils(request.user).filter(year_group=year)
        rows.append(
            {
                "year": year,
                "label": year_label(year),
                "count": qs.count(),
                "sen": qs.exclude(sen_status=Pupil.SenStatus.NONE).count(),
            }
        )
    return {"years": rows}


def _organisation_overview(request: HttpRequest) -> dict[str, Any] | None:
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_school_like:
        return None
    if not (access_for(request.user).roles(organisation.pk) & WHOLE_ORGANISATION_ROLES):
        return None
    from access.permissions import visible_groups, visible_pupils
    from people.models import Group
    from people.selectors import staff_count

    pupils = visible_pupils(request.user)
    # The groups registers are taken for: a school's tutor groups; a college's courses too (its tutor groups).
    college = vocabulary_for(organisation).college
    kinds = [Group.Kind.TUTOR, Group.Kind.COURSE] if college else [Group.Kind.TUTOR]
    groups = visible_groups(request.user).filter(kind__in=kinds).count()
    nouns = (
        ("course or tutor group", "courses and tutor groups") if college else ("tutor group", "tutor groups")
    )
    staff = staff_count(user=request.user, organisation=organisation)
    return {
        "organisation": organisation,
        "pupil_count": pupils.count(),
        "sen_count": pupils.exclude(sen_status="N").count(),
        "group_count": groups,
        "group_words": nouns[0] if groups == 1 else nouns[1],
        "staff_count": staff,
        # A group's figure is its schools' (as the pupils above), not its own staff page's central team: said so.
        "staff_words": ("member of staff" if staff == 1 else "staff")
        + (" in the group and its schools" if organisation.kind == organisation.Kind.GROUP else ""),
    }


register_nav("{Pupils}", "people:pupil_list", roles=PUPIL_ROLES, order=10)
register_nav("Groups", "people:group_list", roles=PUPIL_ROLES, order=11)
register_home_panel("people-overview", "people/panels/overview.html", _organisation_overview, order=5)
register_home_panel("people-my-year", "people/panels/my_year.html", _my_year, order=10)
register_home_panel("people-my-groups", "people/panels/my_groups.html", _my_groups, order=11)
