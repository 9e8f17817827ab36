"""Checks on identifiers that arrive from forms and MIS files alike."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the DfE check-letter alphabet (no I, O, S)
_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def upn_check_letter(rest: str) -> str:
    """The DfE check letter for the 12 characters that follow it."""
    total = 0
    for position, char in enumerate(rest, start=2):
        value = int(char) if char.isdigit() else _UPN_LETTERS.index(char)
        total += value * position
    return _UPN_LETTERS[total % 23]


def validate_upn(upn: str) -> None:
    """A UPN is 13 characters: a check letter, 11 digits, and a digit or letter (temporary UPNs)."""
    if not _UPN_SHAPE.match(upn):
        raise ValidationError("A UPN is 13 characters: a letter, 11 digits, then a digit or letter.")
    if upn[12] in "IOS" or (upn[12].isalpha() and upn[12] not in _UPN_LETTERS):
        raise ValidationError("A UPN cannot end in the letters I, O or S.")
    if upn[0] != upn_check_letter(upn[1:]):
        raise ValidationError(
            f"The UPN's check letter does not match (expected {upn_check_letter(upn[1:])})."
        )


def validate_uln(uln: str) -> None:
    if not re.fullmatch(r"\d{10}", uln):
        raise ValidationError("A ULN is 10 digits.")
