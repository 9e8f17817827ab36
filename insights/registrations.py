"""What insights adds to the kernel: its navigation link."""

from __future__ import annotations

from core.registry import register_nav
from insights.permissions import DASHBOARD_ROLES

register_nav("Statistics", "insights:dashboard", roles=DASHBOARD_ROLES, order=34)
