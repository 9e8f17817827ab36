"""The forms for putting a received child protection file on a child's file: the pupil (one of this school's,
on a file the user may open) and, for a school elsewhere, the ZIP or JSON it sent."""

from __future__ import annotations

from typing import Any, cast

from django import forms


class _PupilChoice(forms.Form):
    pupil: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]  # set in __init__
        label="The child at this school",
        help_text="The file's date of birth must match the child's, and the UPN too when both have one.",
    )

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = cast(forms.ModelChoiceField, self.fields["pupil"])
        choice.queryset = pupils.order_by("legal_last_name", "legal_first_name", "pk")
        choice.label_from_instance = _label  # type: ignore[method-assign,assignment]


def _label(pupil: Any) -> str:
    return f"{pupil.display_name} (born {pupil.date_of_birth.day} {pupil.date_of_birth:%b %Y})"


class AttachForm(_PupilChoice):
    """A file another Pastoral school sent here: which of our pupils it is."""


class UploadForm(_PupilChoice):
    file = forms.FileField(
        label="The file the previous school sent",
        help_text="The ZIP from the sending school's link (cp-file-transfer-….zip), or the cp-file.json in it.",
    )
