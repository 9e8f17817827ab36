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
