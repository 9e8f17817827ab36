"""The form-field include: a group of checkboxes or radio buttons is a fieldset whose legend is the question."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Show the flag to",
        help_text="Besides the DSL team.",
        choices=[("senco", "SENCO"), ("hoy", "Head of year")],
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree", required=False)


def _render(name: str, data: dict | None = None) -> str:
    form = _Form(data)
    if data is not None:
        form.is_valid()
    return render_to_string("includes/field.html", {"field": form[name]})


def test_it_puts_a_group_of_checkboxes_in_a_fieldset_with_the_question_as_its_legend():
    html = _render("roles")
    assert "<fieldset" in html and "<legend>Show the flag to" in html
    assert 'for=""' not in html
    assert html.index("<legend>") < html.index('type="checkbox"')  # the question before the options
    assert 'aria-describedby="id_roles_helptext"' in html


def test_it_puts_radio_buttons_in_a_fieldset_and_names_its_error():
    html = _render("kind", {})
    assert "<legend>Kind" in html and 'id="id_kind_error"' in html
    assert "id_kind_error" in html.split("<legend>")[0]  # the fieldset is described by its error


def test_it_keeps_a_single_checkbox_beside_its_own_label():
    html = _render("agree")
    assert "<fieldset" not in html and '<label for="id_agree">I agree</label>' in html
