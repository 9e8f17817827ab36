"""The kernel's form helpers every app uses: the date picker, the staff picker and a service's refusal on a form."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.forms import DateInput, ModelFieldsForm, StaffChoiceField, apply_validation_error
from core.pdf import render_pdf
from core.testing.personas import build_school_world
from organisations.models import Organisation
from people.selectors import staff_users


class _Form(forms.Form):
    starts_on = forms.DateField(widget=DateInput())
    note = forms.CharField(required=False)


def test_the_date_picker_writes_the_date_the_browser_reads_under_the_en_gb_locale():
    html = _Form(initial={"starts_on": datetime.date(2026, 3, 9)})["starts_on"].as_widget()
    assert 'type="date"' in html and 'value="2026-03-09"' in html


def test_the_date_picker_reads_what_the_browser_sends():
    form = _Form({"starts_on": "2026-03-09"})
    assert form.is_valid() and form.cleaned_data["starts_on"] == datetime.date(2026, 3, 9)


def test_a_services_refusal_lands_on_its_field_and_the_rest_above_the_form():
    form = _Form({"starts_on": "2026-03-09", "note": "x"})
    assert form.is_valid()
    apply_validation_error(
        form,
        ValidationError(
            {"starts_on": "The term has not started.", "ends_on": "After the start.", "__all__": "Closed."}
        ),
    )
    assert form.errors["starts_on"] == ["The term has not started."]
    assert form.non_field_errors() == ["After the start.", "Closed."]


def test_a_refusal_of_the_whole_goes_above_the_form():
    form = _Form({"starts_on": "2026-03-09"})
    form.is_valid()
    apply_validation_error(form, ValidationError(["Not today.", "Nor tomorrow."]))
    assert form.non_field_errors() == ["Not today.", "Nor tomorrow."] and "starts_on" not in form.errors


@pytest.mark.django_db
def test_the_staff_picker_offers_the_schools_active_staff_by_name():
    world = build_school_world()
    field = StaffChoiceField(queryset=staff_users(world.school))
    names = [label for _, label in field.choices][1:]
    assert names == sorted(names) and world.tutor.full_name in names
    assert world.outsider.full_name not in names


def test_render_pdf_renders_a_template_to_a_pdf():
    pdf = render_pdf("500.html", {}, "http://testserver/")
    assert pdf.startswith(b"%PDF")


class _OrganisationForm(ModelFieldsForm):
    note = forms.CharField(required=False)
    kind = forms.ChoiceField(choices=Organisation.Kind.choices, label="What it is")

    class Meta:
        model = Organisation
        fields = ["name", "kind"]


def test_a_model_fields_form_asks_for_the_model_s_fields_and_writes_nothing_onto_the_record():
    """Filled from the record, validated as the model's fields (a declared field in its place), the record
    untouched: the service writes."""
    school = Organisation(name="Oakfield", kind=Organisation.Kind.SCHOOL)
    form = _OrganisationForm(instance=school)
    assert list(form.fields) == ["name", "kind", "note"] and form.fields["kind"].label == "What it is"
    assert form["name"].value() == "Oakfield" and form.instance is school
    bound = _OrganisationForm({"name": "Oakfield Academy", "kind": "school"}, instance=school)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["name"] == "Oakfield Academy" and school.name == "Oakfield"
    assert set(_OrganisationForm({"name": "", "kind": "nonsense"}, instance=school).errors) == {
        "name",
        "kind",
    }
