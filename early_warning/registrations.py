"""What early warning adds to the kernel: navigation and its part of the demo world."""

from __future__ import annotations

from core.registry import register_nav
from demo.registry import register_demo_builder
from early_warning.permissions import LIST_ROLES


def _demo(world: object) -> None:
    from early_warning.demo import build_early_warning

    build_early_warning(world)


register_nav("Early warning", "early_warning:list", roles=LIST_ROLES, order=33)
register_demo_builder("early_warning", _demo, order=75)


def _imports() -> None:
    from early_warning.imports import register

    register()


_imports()
