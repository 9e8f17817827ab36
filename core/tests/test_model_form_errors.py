"""Every ModelForm can show every error its model's clean() raises (no ValueError on a field the form lacks)."""

from __future__ import annotations

import inspect
import re

from django import forms

from core.forms import RenamedModelFieldsMixin
from core.testing.forms import project_form_classes

ERROR_KEY = re.compile(r"""["'](\w+)["']\s*:""")


def _project_model_forms() -> list[type[forms.ModelForm]]:
    return [
        cls
        for cls in project_form_classes(forms.ModelForm)
        if getattr(cls, "_meta", None) is not None and cls._meta.model is not None  # type: ignore[attr-defined]
    ]


def _keys_raised_by_clean(model: type) -> set[str]:
    source = ""
    for klass in model.__mro__:
        if "clean" in vars(klass) and not klass.__module__.startswith("django."):
            source += inspect.getsource(vars(klass)["clean"])
    names = {field.name for field in model._meta.get_fields()}  # type: ignore[attr-defined]
    return {key for key in ERROR_KEY.findall(source) if key in names}


def test_it_finds_the_project_model_forms():
    """The walk reaches the project's ModelForms (so the check below cannot pass by seeing none)."""
    names = {cls.__name__ for cls in _project_model_forms()}
    assert {"ReportCardForm", "NoticeAddressesForm"} <= names


def test_it_has_every_model_clean_error_on_a_field_the_form_can_show():
    """A model error keyed by a field the form lacks is mapped (RenamedModelFieldsMixin) or the form skips it."""
    problems = []
    for cls in _project_model_forms():
        if issubclass(cls, RenamedModelFieldsMixin):
            continue  # any unknown key becomes a non-field error
        if cls._post_clean is not forms.ModelForm._post_clean:
            continue  # the form does not let the model validate itself (the service does)
        missing = _keys_raised_by_clean(cls._meta.model) - set(cls.base_fields)
        if missing:
            problems.append(f"{cls.__module__}.{cls.__name__}: {sorted(missing)}")
    assert problems == []
