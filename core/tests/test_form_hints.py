"""Every form's hints and errors are reachable by screen readers: each aria-describedby names an element present."""

from __future__ import annotations

import inspect

import pytest
from django import forms
from django.template.loader import render_to_string

from core.testing.aria import missing_references
from core.testing.forms import project_form_classes
from core.testing.personas import build_school_world

pytestmark = pytest.mark.django_db


def _build(cls: type[forms.BaseForm], world, data=None) -> forms.BaseForm | None:
    """The form built from what the project's forms ask for (no argument, or the school, a pupil, a user…)."""
    offers = {
        "organisation": world.school,
        "school": world.school,
        "pupil": world.alice,
        "user": world.senior,
        "actor": world.senior,
        "request_user": world.senior,
    }
    parameters = inspect.signature(cls.__init__).parameters
    kwargs = {}
    for name, parameter in parameters.items():
        if name in ("self", "args", "kwargs") or parameter.kind in (
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
        ):
            continue
        if parameter.default is not parameter.empty:
            continue
        if name not in offers:
            return None
        kwargs[name] = offers[name]
    try:
        return cls(data, **kwargs) if data is not None else cls(**kwargs)
    except Exception:  # a form that needs more than this (a plan, a card…) is checked by its own pages' tests
        return None


def _render(form: forms.BaseForm) -> str:
    return render_to_string("includes/form_fields.html", {"form": form})


def test_it_points_every_aria_describedby_at_an_element_in_every_form():
    """Every form that can be built renders its hint and its errors under the ids its fields describe themselves by."""
    world = build_school_world()
    built, with_hints, problems = 0, 0, []
    for cls in project_form_classes():
        form = _build(cls, world)
        if form is None:
            continue
        built += 1
        with_hints += any(f.help_text for f in form.fields.values())
        bound = _build(cls, world, data={})  # an empty submission: required fields show their errors
        for rendered in (form, bound):
            if rendered is None:
                continue
            if rendered.is_bound:
                rendered.is_valid()
            problems += [
                f"{cls.__module__}.{cls.__qualname__}: {m}" for m in missing_references(_render(rendered))
            ]
    assert built >= 50 and with_hints >= 25, (built, with_hints)
    assert problems == []


def test_it_finds_a_description_that_points_nowhere():
    """The check itself: a hint under another id than the field names is caught."""
    html = '<input id="id_x" aria-describedby="id_x_helptext"><p id="id_x_hint">Hint</p>'
    assert missing_references(html) == ['aria-describedby="id_x_helptext" on <input id=id_x>']
    assert missing_references('<input aria-describedby="a"><p id="a"></p>') == []
