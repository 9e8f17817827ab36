"""The roles a person can hold in an organisation, and what each kind of role implies."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    # School and college staff
    TUTOR = "tutor", "Form / course tutor"
    HEAD_OF_YEAR = "head_of_year", "Head of year or house"
    PAL = "pal", "Pastoral & Attendance Lead"
    ATTENDANCE_OFFICER = "attendance_officer", "Attendance officer"
    DSL = "dsl", "Designated Safeguarding Lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy DSL / DSO"
    SENCO = "senco", "SENCO"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    SCHOOL_ADMIN = "school_admin", "School administrator"
    CPD_COORDINATOR = "cpd_coordinator", "CPD coordinator"
    # Qualifications (provider, university partner, participants and their mentors)
    PROGRAMME_ADMIN = "programme_admin", "Programme administrator"
    FACILITATOR = "facilitator", "Facilitator"
    PARTICIPANT = "participant", "Participant"
    MENTOR = "mentor", "Mentor"
    REVIEWER = "reviewer", "Portfolio reviewer"
    MODERATOR = "moderator", "External moderator"


# Roles that see every pupil of their organisation (and of its sites and member organisations).
WHOLE_ORGANISATION_ROLES = frozenset(
    {Role.SENIOR_LEADER, Role.SCHOOL_ADMIN, Role.DSL, Role.DEPUTY_DSL, Role.SENCO, Role.ATTENDANCE_OFFICER}
)
# Roles whose view of pupils is narrowed to a year group, a group or a caseload.
SCOPED_PUPIL_ROLES = frozenset({Role.TUTOR, Role.HEAD_OF_YEAR, Role.PAL})
PUPIL_ROLES = WHOLE_ORGANISATION_ROLES | SCOPED_PUPIL_ROLES

SAFEGUARDING_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})
SEN_ROLES = frozenset({Role.SENCO})
# Roles that may see safeguarding or SEN data must sign in with a second factor (standards.md).
# The PAL acts as DSO for their curriculum area (role profile), heads of year and senior leaders
# see SEN status on the pupil profile.
TWO_FACTOR_ROLES = frozenset(
    {Role.DSL, Role.DEPUTY_DSL, Role.SENCO, Role.SENIOR_LEADER, Role.HEAD_OF_YEAR, Role.PAL}
)
# Roles that may change pupil records by hand (the MIS import is the usual path).
PUPIL_EDITOR_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.SENIOR_LEADER})
# Roles that may run MIS imports and read the organisation's audit log.
IMPORT_ROLES = frozenset({Role.SCHOOL_ADMIN})
AUDIT_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.SENIOR_LEADER, Role.PROGRAMME_ADMIN})
