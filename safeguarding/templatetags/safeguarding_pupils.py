"""`{{ pupil|pupil_label }}`: a child's name with their year and tutor group, so namesakes can be told apart
(`{{ pupil|pupil_label:"born" }}` adds the date of birth, for a label that must be unique)."""

from __future__ import annotations

from typing import Any

from django import template

from safeguarding.selectors.pupils import pupil_label as _pupil_label

register = template.Library()


@register.filter
def pupil_label(pupil: Any, born: str = "") -> str:
    """The child as "Jacob Collins — Year 9, 9B2" (the tutor group when the view loaded it: `load_tutor_groups`)."""
    return _pupil_label(pupil, born=born == "born")
