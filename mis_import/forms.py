from __future__ import annotations

from django import forms
from django.conf import settings

from mis_import.models import WHOLE_FILE_KINDS, ImportJob


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

    is_whole_file = forms.BooleanField(
        required=False,
        label="This file is the whole list",
        help_text="Tick when the file lists every pupil on roll (pupils), every group member and tutor or PAL "
        "(groups), or every member of staff (staff): the preview then offers to end what is missing from it. "
        "Leave it unticked for a file of some records only.",
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("is_whole_file") and data.get("kind") not in WHOLE_FILE_KINDS:
            self.add_error("is_whole_file", "Only a pupil, groups or staff file can be the whole list.")
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
    """Import a checked file; for a whole file, optionally end what is missing from it on a date."""

    end_missing = forms.BooleanField(required=False)
    ends_on = forms.DateField(required=False, label="Date")

    def __init__(self, *args, today, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("end_missing"):
            on = data.get("ends_on")
            if on is None and "ends_on" not in self.errors:
                self.add_error("ends_on", "Give the date for ending what is missing from the file.")
            elif on is not None and on > self.today:
                self.add_error("ends_on", "The date cannot be in the future.")
        return data
