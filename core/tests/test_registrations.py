"""One registration idiom (docs/architecture.md, "Extension points"): every app that adds anything to the kernel's
registries does it from its own `registrations.py`, imported by its `AppConfig.ready()`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
# The kernel and project (whose registries they are), the demo generator (its own registry) and the benchmarks
# register nothing.
REGISTRIES = {"core", "pastoral", "demo", "bench"}


def _project_apps() -> list[str]:
    return sorted(
        config.name for config in apps.get_app_configs() if Path(config.path).resolve().parent == ROOT
    )


def test_every_project_app_registers_from_its_registrations_module():
    names = _project_apps()
    assert {"accounts", "access", "attendance", "portfolios"} <= set(names)
    missing = [
        name for name in names if name not in REGISTRIES and f"{name}.registrations" not in sys.modules
    ]
    assert missing == []


def test_no_app_config_registers_anything_itself():
    """`ready()` tracks models for the audit log and imports `registrations`; navigation, panels, profile
    sections, subject access, demo builders and retention jobs are registered there, not in apps.py."""
    calls = ("register_nav(", "register_home_panel(", "register_profile_section(", "register_demo_builder(")
    offenders = [
        name
        for name in _project_apps()
        if any(call in (ROOT / name / "apps.py").read_text(encoding="utf-8") for call in calls)
    ]
    assert offenders == []
