"""Find every form class the project defines (for checks that run over all of them)."""

from __future__ import annotations

import importlib
import importlib.util

from django import forms
from django.apps import apps
from django.conf import settings


def project_form_classes(base: type[forms.BaseForm] = forms.BaseForm) -> list[type[forms.BaseForm]]:
    """Every subclass of `base` defined in the project's apps (their `forms` modules are imported first)."""
    root = str(settings.BASE_DIR)
    project_apps = [c for c in apps.get_app_configs() if c.path.startswith(root) and ".venv" not in c.path]
    for config in project_apps:
        if importlib.util.find_spec(f"{config.name}.forms") is not None:
            importlib.import_module(f"{config.name}.forms")
    prefixes = tuple(f"{c.name}." for c in project_apps)
    found: list[type[forms.BaseForm]] = []
    seen: set[type] = set()
    pending = list(base.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith(prefixes) and ".tests" not in cls.__module__:
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")
