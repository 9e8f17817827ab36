from __future__ import annotations

from django import forms

from mis_import.forms import CsvFileField, encoding_field


class ImportForm(forms.Form):
    """A file of grades or initial assessments for the MIS import (mis_import checks and previews it)."""

    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[("grades", "Targets and working-at grades"), ("initial", "Initial assessment on entry")],
        help_text="Grades: one row per student, course and assessment point. Initial: one row per student and subject.",
    )
    file = CsvFileField(help_text="Exported from your MIS as CSV, with a header row (see the columns below).")
    encoding = encoding_field()
