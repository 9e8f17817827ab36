from __future__ import annotations

from django import forms
from django.conf import settings

from mis_import.models import ImportJob


def max_bytes() -> int:
    return int(getattr(settings, "MIS_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label="CSV file",
        help_text="Exported from your MIS as CSV, with a header row. See the column guide below.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    encoding = forms.ChoiceField(
        label="Encoding",
        choices=ImportJob.Encoding.choices,
        initial=ImportJob.Encoding.UTF8,
        help_text="UTF-8 unless your MIS or Excel saved a plain “CSV” (Windows-1252).",
    )

    is_full_roll = forms.BooleanField(
        required=False,
        label="This pupil file is the whole roll",
        help_text="Tick when the file lists every pupil on roll: the preview then offers to mark pupils missing "
        "from it as left. Leave it unticked for a file of some pupils only.",
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("is_full_roll") and data.get("kind") != ImportJob.Kind.PUPILS:
            self.add_error("is_full_roll", "Only a pupil file can be the whole roll.")
        return data

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                f"The file is larger than {max_bytes() // (1024 * 1024)} MB: split it into smaller files."
            )
        if upload.size == 0:
            raise forms.ValidationError(
                "The file is empty: export the list from your MIS with a header row and upload it again."
            )
        return upload


class CommitForm(forms.Form):
    """Import a checked file; for a whole-roll pupil file, optionally mark the pupils missing from it as left."""

    mark_leavers = forms.BooleanField(required=False)
    leavers_on = forms.DateField(required=False, label="Leaving date")

    def __init__(self, *args, today, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("mark_leavers"):
            on = data.get("leavers_on")
            if on is None and "leavers_on" not in self.errors:
                self.add_error("leavers_on", "Give the leaving date for the pupils missing from the file.")
            elif on is not None and on > self.today:
                self.add_error("leavers_on", "The leaving date cannot be in the future.")
        return data
