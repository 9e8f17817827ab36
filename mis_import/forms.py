from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.text import format_lazy

from mis_import.columns import ImportKind
from mis_import.models import WHOLE_FILE_KINDS, ImportJob
from mis_import.uploads import max_size_label, safe_filename, upload_problem


class CsvFileField(forms.FileField):
    """A CSV export: refused, with a message saying why, when it is too big or plainly not a CSV text file.

    Cleans to (stored name, content): the name without folders or markup, the bytes as uploaded."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "CSV file")
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
        kwargs.setdefault("error_messages", {"empty": upload_problem("", 0, b"")})
        kwargs["help_text"] = format_lazy(
            "{} A .csv file of at most {}.", kwargs.get("help_text", ""), lazy(max_size_label, str)()
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is None:
            return upload
        head = upload.read(8192)
        upload.seek(0)
        problem = upload_problem(upload.name or "", upload.size or 0, head)
        if problem:
            raise forms.ValidationError(problem)
        return safe_filename(upload.name or ""), upload.read()


class EncodingField(forms.ChoiceField):
    """How the file was saved; detected when the form leaves it out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Encoding",
            choices=ImportJob.Encoding.choices,
            initial=ImportJob.Encoding.AUTO,
            required=False,
            help_text="Leave it to be detected unless names come out wrong in the preview: then choose how the "
            "file was saved.",
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        return super().clean(value) or ImportJob.Encoding.AUTO


def encoding_field() -> forms.ChoiceField:
    return EncodingField()


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=ImportJob.Kind.choices)
    file = CsvFileField(
        help_text="Exported from your MIS as CSV, with a header row. See the column guide below."
    )
    encoding = encoding_field()

    is_whole_file = forms.BooleanField(
        required=False,
        label="This file is the whole list",
        help_text="Tick when the file lists every pupil on roll (pupils), every group member and tutor or PAL "
        "(groups), or every member of staff (staff): the preview then offers to end what is missing from it. "
        "Leave it unticked for a file of some records only.",
    )

    def __init__(self, *args: Any, kinds: list[ImportKind] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k.key, k.label) for k in kinds]  # type: ignore[attr-defined]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("is_whole_file") and data.get("kind") not in WHOLE_FILE_KINDS:
            self.add_error("is_whole_file", "Only a pupil, groups or staff file can be the whole list.")
        return data


class KindUploadForm(forms.Form):
    """A file of one registered kind (attendance marks), uploaded from the registering app's page."""

    file = CsvFileField()
    encoding = encoding_field()

    def __init__(self, *args: Any, file_help: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if file_help:
            self.fields["file"] = CsvFileField(help_text=file_help)


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
