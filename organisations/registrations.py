"""What organisations add to the navigation."""

from __future__ import annotations

from access.roles import PUPIL_ROLES, Role
from core.registry import register_nav

register_nav("Calendar", "organisations:calendar", roles=PUPIL_ROLES | {Role.CPD_COORDINATOR}, order=85)
