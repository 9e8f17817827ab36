"""The planners of the foundation's four kinds of file, one module each: they read the parsed rows, match them to
the organisation's records and return a Plan (errors, counts and the writes), writing nothing themselves. A
registered kind (mis_import.registry) brings its own planner."""

from mis_import.plans.common import Plan
from mis_import.plans.contacts import plan_contacts
from mis_import.plans.groups import plan_groups, plan_missing_members_and_roles
from mis_import.plans.pupils import plan_leavers, plan_pupils
from mis_import.plans.staff import plan_missing_staff, plan_staff

# kind -> planner(organisation, parsed file, today)
PLANNERS = {"pupils": plan_pupils, "contacts": plan_contacts, "groups": plan_groups, "staff": plan_staff}
# kind -> what a whole file adds to its plan: what is missing from it (plan, job, parsed file, today)
WHOLE_FILE_PLANNERS = {
    "pupils": plan_leavers,
    "groups": plan_missing_members_and_roles,
    "staff": plan_missing_staff,
}

__all__ = ["PLANNERS", "WHOLE_FILE_PLANNERS", "Plan"]
