"""What access adds to the navigation."""

from __future__ import annotations

from access.roles import IMPORT_ROLES, Role
from core.registry import register_nav

register_nav("Staff and roles", "access:staff_list", roles=IMPORT_ROLES | {Role.SENIOR_LEADER}, order=80)
