"""The columns each kind of import reads, the MIS export names accepted for them, and cell parsers.

Pure functions only: no database. A parser takes the stripped cell text and returns a value, or raises
`CellError` with a message the school administrator can act on.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.exports import FORMULA_PREFIXES
from people.validation import validate_uln, validate_upn


class CellError(Exception):
    """A cell that cannot be read; the message names the value and says what would be accepted."""


def normalise_header(name: str) -> str:
    """'Date of Birth', 'date_of_birth' and 'DATE-OF-BIRTH' all become 'dateofbirth'."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


# --- Cell parsers ------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?$")


def parse_date(value: str) -> datetime.date:
    """Dates as MIS exports write them: 31/01/2012 (day first, as in the UK) or 2012-01-31."""
    match = _DMY.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.match(value)
        if not match:
            raise CellError(
                f"'{value}' is not a date: write it as dd/mm/yyyy (31/01/2012) or yyyy-mm-dd (2012-01-31)."
            )
        year, month, day = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(f"'{value}' is not a real date (day {day}, month {month}, year {year}).") from None


def parse_date_of_birth(value: str) -> datetime.date:
    born = parse_date(value)
    if not datetime.date(1900, 1, 1) <= born <= datetime.date.today():
        raise CellError(f"'{value}' is not a believable date of birth.")
    return born


_YEAR_WORDS = {
    "r": 0,
    "rec": 0,
    "reception": 0,
    "yr": 0,
    "yearr": 0,
    "l6": 12,
    "lowersixth": 12,
    "ls": 12,
    "6l": 12,
    "u6": 13,
    "uppersixth": 13,
    "us": 13,
    "6u": 13,
}


def parse_year_group(value: str) -> int:
    """'9', 'Year 9', 'Y9', 'Yr 9', 'NC 9', 'R' / 'Reception', 'L6' / 'U6' (sixth form)."""
    key = normalise_header(value)
    if key in _YEAR_WORDS:
        return _YEAR_WORDS[key]
    match = re.fullmatch(r"(?:year|yr|y|nc|ncyear)?(\d{1,2})", key)
    if match and 0 <= int(match.group(1)) <= 20:
        return int(match.group(1))
    raise CellError(
        f"Unknown year group '{value}': use R or 0 for Reception, 1 to 13 (or Year 9, Y9, L6, U6), 14 and above for adults."
    )


def _identifier(label: str, validate: Callable[[str], None]) -> Callable[[str], str]:
    """A parser for a national identifier: spaces dropped, letters in capitals, then `validate`d."""

    def parse(value: str) -> str:
        identifier = value.replace(" ", "").upper()
        try:
            validate(identifier)
        except ValidationError as error:
            raise CellError(f"{label} '{value}': {error.messages[0]}") from None
        return identifier

    return parse


parse_upn = _identifier("UPN", validate_upn)
parse_uln = _identifier("ULN", validate_uln)


def choice(spellings: dict[str, tuple[str, ...]], unknown: str) -> Callable[[str], str]:
    """A parser for a cell holding one of a few values, each written several ways by different MIS exports.

    Spellings are compared as headers are (case, spaces and punctuation ignored); `unknown` is the message
    for anything else, with '{value}' standing for the cell."""
    table = {normalise_header(word): value for value, words in spellings.items() for word in words}

    def parse(value: str) -> str:
        key = normalise_header(value)
        if key not in table:
            raise CellError(unknown.format(value=value))
        return table[key]

    return parse


parse_sex = choice(
    {
        "F": ("F", "Female", "Girl"),
        "M": ("M", "Male", "Boy"),
        "": ("U", "Unknown", "X", "Not known", "Not recorded"),
    },
    "Unknown sex '{value}': use F (female), M (male) or leave it empty.",
)

parse_sen_status = choice(
    {
        "N": ("N", "No", "None", "No SEN", "No special educational need", "Not SEN"),
        "K": ("K", "SEN support", "Support", "SEN K"),
        "E": (
            "E",
            "EHCP",
            "EHC plan",
            "Education, health and care plan",
            "S",
            "Statement",
            "Statement of SEN",
        ),
    },
    "Unknown SEN status '{value}': use N (none), K (SEN support) or E (EHC plan).",
)

parse_relationship = choice(
    {
        "mother": ("Mother", "Mum", "Mom"),
        "father": ("Father", "Dad"),
        "parent": ("Parent",),
        "step_parent": ("Step-parent", "Stepmother", "Stepfather", "Stepmum", "Stepdad"),
        "grandparent": ("Grandparent", "Grandmother", "Grandfather"),
        "carer": ("Carer", "Guardian", "Legal guardian"),
        "foster_carer": ("Foster carer", "Foster mother", "Foster father", "Foster parent"),
        "social_worker": ("Social worker",),
        "other": (
            "Other",
            "Other relative",
            "Aunt",
            "Uncle",
            "Sibling",
            "Brother",
            "Sister",
            "Family friend",
            "Other family member",
        ),
    },
    "Unknown relationship '{value}': use Mother, Father, Parent, Step-parent, Grandparent, Carer, "
    "Foster carer, Social worker or Other.",
)


_TRUE = {"y", "yes", "true", "1", "t"}
_FALSE = {"n", "no", "false", "0", "f"}


def parse_bool(value: str) -> bool:
    key = value.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"'{value}' is not yes or no: use Y or N.")


def parse_priority(value: str) -> int:
    if not re.fullmatch(r"\d{1,2}", value) or int(value) < 1:
        raise CellError(f"Priority '{value}' is not a whole number from 1 (called first) upwards.")
    return int(value)


def parse_email(value: str) -> str:
    email = value.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise CellError(f"'{value}' is not an e-mail address.") from None
    return email


parse_group_kind = choice(
    {
        "tutor": (
            "Tutor",
            "Tutor group",
            "Form",
            "Form group",
            "Reg",
            "Registration",
            "Registration group",
            "Reg group",
        ),
        "year": ("Year", "Year group"),
        "house": ("House",),
        "course": ("Course",),
        "teaching": ("Teaching", "Teaching group", "Class", "Set"),
    },
    "Unknown group type '{value}': use Tutor, Year, House, Course or Teaching.",
)


def parse_email_list(value: str) -> list[str]:
    return [parse_email(part) for part in re.split(r"[;,]", value) if part.strip()]


def text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise CellError(f"'{value[:40]}…' is longer than {max_length} characters.")
        return value

    return parse


_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,}$")


def formula_problem(value: str, *, phone: bool = False) -> str | None:
    """Why a cell would run as a spreadsheet formula, or None. Phone numbers may start with +."""
    if not value.startswith(FORMULA_PREFIXES):
        return None
    if phone and _PHONE.match(value):
        return None
    shown = {"\t": "a tab", "\r": "a carriage return"}.get(value[0], f"'{value[0]}'")
    return (
        f"'{value[:40]}' starts with {shown}: text starting with = + - @ or a tab can run as a spreadsheet "
        "formula, so it is refused. Remove that first character (or correct the cell) and upload again."
    )


# --- What each kind of import reads ------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: tuple[str, ...]
    parse: Callable[[str], Any] = text(100)
    required: bool = False
    phone: bool = False
    help: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str
    columns: tuple[Column, ...]
    # Sets of fields of which at least one column must be present (e.g. UPN or MIS id).
    one_of: tuple[tuple[str, ...], ...] = ()
    # The most rows one file may have: the setting named here, else the default.
    max_rows_setting: str = "MIS_IMPORT_MAX_ROWS"
    max_rows_default: int = 50_000

    @property
    def one_of_labels(self) -> list[str]:
        return [" or ".join(self.column(f).label for f in group) for group in self.one_of]

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)


_UPN = Column(
    "upn",
    "UPN",
    ("Unique Pupil Number", "Pupil UPN"),
    parse_upn,
    help="13 characters, check letter first; matched before the MIS id.",
)
PUPIL_MIS_ID = Column(
    "mis_id",
    "MIS ID",
    ("Adno", "Admission Number", "Adm No", "Person ID", "Pupil ID", "Pupil MIS ID", "Student ID", "ID"),
    text(50),
    help="The MIS's own id for the pupil (admission number or person id).",
)
_SITE = Column("site", "Site", ("Campus", "School Site"), text(120), help="The name of one of your sites.")

PUPILS = ImportKind(
    "pupils",
    "Pupils",
    (
        _UPN,
        PUPIL_MIS_ID,
        Column("uln", "ULN", ("Unique Learner Number",), parse_uln, help="10 digits."),
        Column(
            "legal_last_name",
            "Legal Surname",
            ("Surname", "Last Name", "Family Name", "Legal Last Name"),
            required=True,
        ),
        Column(
            "legal_first_name",
            "Legal Forename",
            ("Forename", "First Name", "Given Name", "Legal First Name"),
            required=True,
        ),
        Column(
            "preferred_first_name",
            "Preferred Forename",
            ("Known As", "Preferred First Name", "Preferred Name"),
        ),
        Column("preferred_last_name", "Preferred Surname", ("Preferred Last Name",)),
        Column(
            "date_of_birth",
            "Date of Birth",
            ("DOB", "Birth Date"),
            parse_date_of_birth,
            required=True,
            help="dd/mm/yyyy or yyyy-mm-dd.",
        ),
        Column("sex", "Sex", ("Gender",), parse_sex, help="F, M or empty."),
        Column(
            "year_group",
            "Year Group",
            ("Year", "NC Year", "Year Taught In", "National Curriculum Year", "Curriculum Year"),
            parse_year_group,
            required=True,
            help="R or 0 for Reception, 1–13, 14+ for adults; 'Year 9', 'Y9', 'L6', 'U6' also read.",
        ),
        Column(
            "tutor_group",
            "Reg Group",
            ("Registration Group", "Form", "Tutor Group", "Form Group", "Reg", "Registration"),
            text(100),
            help="Creates the tutor group if new and moves the pupil into it.",
        ),
        Column(
            "sen_status",
            "SEN Status",
            ("SEN Provision", "SEN", "SEN Need"),
            parse_sen_status,
            help="N, K (SEN support) or E (EHC plan); the words are read too.",
        ),
        _SITE,
        Column(
            "admitted_on", "Admission Date", ("Date of Admission", "Entry Date", "Start Date"), parse_date
        ),
        Column("left_on", "Leaving Date", ("Date of Leaving", "Leave Date", "End Date"), parse_date),
    ),
    one_of=(("upn", "mis_id"),),
)

CONTACTS = ImportKind(
    "contacts",
    "Parents and carers",
    (
        Column("pupil_upn", "Pupil UPN", ("UPN", "Unique Pupil Number"), parse_upn),
        Column(
            "pupil_mis_id",
            "Pupil MIS ID",
            ("Adno", "Admission Number", "Pupil ID", "Pupil Person ID", "Student ID"),
            text(50),
        ),
        Column(
            "mis_id",
            "Contact ID",
            ("Contact MIS ID", "Contact Person ID", "Contact Id", "Parent ID"),
            text(50),
            required=True,
            help="The MIS's id for the contact: one person, many pupils.",
        ),
        Column("title", "Title", ("Contact Title",), text(20)),
        Column(
            "first_name", "Contact Forename", ("Contact First Name", "Forename", "First Name"), required=True
        ),
        Column("last_name", "Contact Surname", ("Contact Last Name", "Surname", "Last Name"), required=True),
        Column(
            "relationship",
            "Relationship",
            ("Relationship to Pupil", "Relation", "Contact Relationship"),
            parse_relationship,
            required=True,
        ),
        Column(
            "has_parental_responsibility",
            "Parental Responsibility",
            ("Has Parental Responsibility", "PR", "Parental Resp"),
            parse_bool,
            help="Y or N; empty means Y.",
        ),
        Column(
            "priority",
            "Priority",
            ("Contact Priority", "Contact Order", "Order", "Priority Order"),
            parse_priority,
            help="1 is called first; empty means 1.",
        ),
        Column(
            "lives_with_pupil",
            "Lives With Pupil",
            ("Lives With", "Resides With Pupil", "Same Address"),
            parse_bool,
            help="Y or N; empty means Y.",
        ),
        Column(
            "no_contact",
            "No Contact",
            ("Do Not Contact", "No Contact Allowed", "Contact Restricted"),
            parse_bool,
            help="Y when the school must not contact them about the pupil (a court order or safeguarding "
            "decision): Pastoral never e-mails them. Empty means N.",
        ),
        Column("email", "Email", ("Email Address", "Contact Email", "E-mail"), parse_email),
        Column(
            "phone",
            "Telephone",
            ("Home Phone", "Phone", "Home Telephone", "Telephone Number"),
            text(30),
            phone=True,
        ),
        Column(
            "mobile", "Mobile", ("Mobile Phone", "Mobile Number", "Mobile Telephone"), text(30), phone=True
        ),
        Column("address", "Address", ("Home Address", "Contact Address"), text(500)),
    ),
    one_of=(("pupil_upn", "pupil_mis_id"),),
)

GROUPS = ImportKind(
    "groups",
    "Groups",
    (
        Column("group_mis_id", "Group ID", ("Group MIS ID", "Class ID"), text(50)),
        Column(
            "name",
            "Group",
            ("Group Name", "Class", "Class Name", "Reg Group", "Registration Group", "Form", "Tutor Group"),
            required=True,
        ),
        Column(
            "kind",
            "Group Type",
            ("Type", "Group Kind"),
            parse_group_kind,
            help="Tutor, Year, House, Course or Teaching; empty means Tutor.",
        ),
        Column("year_group", "Year Group", ("Year", "NC Year", "Year Taught In"), parse_year_group),
        _SITE,
        Column("pupil_upn", "Pupil UPN", ("UPN", "Unique Pupil Number"), parse_upn),
        Column(
            "pupil_mis_id", "Pupil MIS ID", ("Adno", "Admission Number", "Pupil ID", "Person ID"), text(50)
        ),
        Column(
            "tutor_emails",
            "Tutor Email",
            ("Tutor", "Tutor Emails", "Form Tutor Email"),
            parse_email_list,
            help="Staff e-mail; several separated by ';'. Becomes a tutor role for this group.",
        ),
        Column(
            "pal_emails",
            "PAL Email",
            ("PAL", "PAL Emails", "Caseload PAL Email"),
            parse_email_list,
            help="Staff e-mail; several separated by ';'. Puts the group on that PAL's caseload.",
        ),
    ),
)

STAFF = ImportKind(
    "staff",
    "Staff",
    (
        Column("mis_id", "Staff ID", ("MIS ID", "Person ID", "Staff Code", "Employee ID"), text(50)),
        Column("title", "Title", (), text(20)),
        Column(
            "first_name",
            "Forename",
            ("First Name", "Legal Forename", "Preferred Forename", "Given Name"),
            required=True,
        ),
        Column(
            "last_name",
            "Surname",
            ("Last Name", "Legal Surname", "Preferred Surname", "Family Name"),
            required=True,
        ),
        Column(
            "email",
            "Email",
            ("Work Email", "School Email", "Email Address", "E-mail"),
            parse_email,
            required=True,
            help="The address they sign in with.",
        ),
        Column("job_title", "Job Title", ("Post", "Role", "Position"), text(150)),
        _SITE,
    ),
)

KINDS: dict[str, ImportKind] = {k.key: k for k in (PUPILS, CONTACTS, GROUPS, STAFF)}
