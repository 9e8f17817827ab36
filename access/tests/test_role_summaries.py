"""The home page's "You are signed in as": a line for each role in each organisation, its groups listed while
they are few and counted when they are many (a college PAL holds sixteen)."""

from __future__ import annotations

from access.models import RoleAssignment
from access.roles import Role
from access.summaries import role_summaries
from organisations.models import Organisation
from people.models import Group

OAKFIELD = Organisation(pk=1, name="Oakfield School")
COLLEGE = Organisation(pk=2, name="Severn Vale College")


def _role(role: Role, organisation: Organisation, group: str | None = None, year: int | None = None):
    return RoleAssignment(
        role=role,
        organisation=organisation,
        group=Group(pk=1, name=group) if group else None,
        year_group=year,
    )


def test_it_names_a_whole_organisation_role_with_its_organisation():
    assert role_summaries([_role(Role.SENIOR_LEADER, OAKFIELD)]) == ["Senior leader (Oakfield School)"]


def test_it_lists_a_few_groups_in_natural_order_on_one_line():
    roles = [_role(Role.TUTOR, OAKFIELD, name) for name in ("10B2", "7A1", "9A")]
    assert role_summaries(roles) == ["Form / course tutor for 7A1, 9A and 10B2 (Oakfield School)"]


def test_it_counts_the_groups_of_a_college_pal_instead_of_listing_sixteen():
    roles = [_role(Role.PAL, COLLEGE, f"Sport L3 Y{n}") for n in range(16)]
    roles += [_role(Role.DEPUTY_DSL, COLLEGE, f"Sport L3 Y{n}") for n in range(16)]
    assert role_summaries(roles) == [
        "Deputy DSL / DSO for 16 groups (Severn Vale College)",
        "Pastoral & Attendance Lead for 16 groups (Severn Vale College)",
    ]


def test_it_says_only_the_whole_organisation_when_a_role_also_has_a_scope_there():
    roles = [_role(Role.SENIOR_LEADER, OAKFIELD), _role(Role.SENIOR_LEADER, OAKFIELD, "10A")]
    assert role_summaries(roles) == ["Senior leader (Oakfield School)"]


def test_it_keeps_each_organisation_apart_and_counts_year_groups_as_years():
    roles = [_role(Role.HEAD_OF_YEAR, OAKFIELD, year=y) for y in (7, 8, 9, 10, 11)]
    roles.append(_role(Role.HEAD_OF_YEAR, COLLEGE, year=12))
    assert role_summaries(roles) == [
        "Head of year or house for 5 year groups (Oakfield School)",
        "Head of year or house for Year 12 (Severn Vale College)",
    ]
