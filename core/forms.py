"""Shared form helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest

from core.naturalsort import natural_sorted


class RenamedModelFieldsMixin:
    """A ModelForm that asks for a model field under another name (e.g. `targets` as the text box `targets_text`).

    `renamed_fields` maps model field → form field. Before the model validates itself, the form field's cleaned
    value is put on the instance; the model's errors keyed by the model field are shown on the form field, and an
    error keyed by any other field the form does not have becomes a non-field error (never a 500).
    """

    renamed_fields: ClassVar[dict[str, str]] = {}

    def _post_clean(self) -> None:
        form = self._form()
        for model_field, form_field in self.renamed_fields.items():
            if form_field in form.cleaned_data:
                setattr(form.instance, model_field, form.cleaned_data[form_field])
        super()._post_clean()  # type: ignore[misc]

    def _update_errors(self, errors: ValidationError) -> None:
        form = self._form()
        if hasattr(errors, "error_dict"):
            remapped: dict[str, list[Any]] = {}
            for name, field_errors in errors.error_dict.items():
                target = self.renamed_fields.get(name, name)
                if target != NON_FIELD_ERRORS and target not in form.fields:
                    target = NON_FIELD_ERRORS
                if target != NON_FIELD_ERRORS and target in form.errors:
                    # The form's own check on this field already said what is wrong.
                    continue
                remapped.setdefault(target, []).extend(field_errors)
            errors = ValidationError(remapped)  # type: ignore[arg-type]
        super()._update_errors(errors)  # type: ignore[misc]

    def _form(self) -> forms.ModelForm:
        assert isinstance(self, forms.ModelForm)
        return self


class _NaturalChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in natural_sorted(self.queryset, key=self.field.label_from_instance):
            yield self.choice(obj)


class NaturalModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are in natural order of their labels (7A1 before 10B2)."""

    iterator = _NaturalChoiceIterator


class NaturalModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose options are in natural order of their labels."""

    iterator = _NaturalChoiceIterator


class ModelFieldsForm(forms.Form):
    """A plain form asking for a model's fields (their labels, help, widgets and choices), for a service to write.

    Declared like a ModelForm (`class Meta: model, fields, widgets, labels, help_texts`), but validating writes
    nothing onto a model instance and checks no model rule: the service checks the record once (`full_clean()`),
    and the view shows what it refused with `apply_validation_error`. `instance=` only fills the initial values
    (and stays on the form as `form.instance` for display); fields declared on the form take the place of the
    model's, in `Meta.fields` order.
    """

    class Meta:
        model: Any = None
        fields: ClassVar[list[str]] = []

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        meta = self.Meta
        self.instance = instance
        if instance is not None:
            initial = forms.model_to_dict(instance, fields=list(meta.fields))
            initial.update(kwargs.get("initial") or {})
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        made = forms.fields_for_model(
            meta.model,
            fields=[name for name in meta.fields if name not in self.fields],
            widgets=getattr(meta, "widgets", None),
            labels=getattr(meta, "labels", None),
            help_texts=getattr(meta, "help_texts", None),
            error_messages=getattr(meta, "error_messages", None),
        )
        ordered = {name: self.fields[name] if name in self.fields else made[name] for name in meta.fields}
        ordered.update((name, field) for name, field in self.fields.items() if name not in ordered)
        self.fields = ordered


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal shown on the form, so nothing typed is lost: each message on its field where the form has
    one, the rest (and a refusal of the whole) above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


T = TypeVar("T")


def saved_by(request: HttpRequest, form: forms.BaseForm, write: Callable[[dict[str, Any]], T]) -> T | None:
    """What `write` (a service call on the form's cleaned data) returned when the form was posted valid and the
    service took it; None otherwise, the service's refusal then shown on the form (nothing typed is lost)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as error:
        apply_validation_error(form, error)
        return None


class DateInput(forms.DateInput):
    """The browser's date picker (`<input type="date">`). Its value is always written as 2026-03-09, the one form
    the picker reads: the en-GB locale's own (09/03/2026) would show an empty box where a date was already set."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format or "%Y-%m-%d")


class StaffChoiceField(forms.ModelChoiceField):
    """A picker of members of staff (sign-ins), each shown by name (by e-mail address when it has none); its choices
    are usually `people.selectors.staff_users(organisation)`, set by the form once it knows the organisation."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email
