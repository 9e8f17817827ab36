"""The people the programme-support tests tell stories about, on the qualifications test world (HMC PD with the
three documents loaded, Oakfield's CPD coordinator and staff):

- Teacher1 holds a PLQ Level 1 place, mentored by Mona; Teacher2 an ISQAM place (another edition of the same
  provider), mentored by Teacher4; Teacher3 a PLQ Level 2 place (same edition, other level and cluster), mentored
  by Mona.
- Helen administers the provider's programmes; Rachel facilitates module 1 of the PLQ Level 1 cluster.
- Oona administers another provider; Olive (the school personas' outsider) works at Riverside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from access.roles import Role
from core.testing.factories import OrganisationFactory, RoleFactory
from programme_support import services
from programme_support.models import Resource
from qualifications.models import Enrolment
from qualifications.tests.helpers import QualWorld, book, build_qual_world, safeguarded, staff_user


@dataclass
class SupportWorld:
    q: QualWorld
    participant: Any
    place: Enrolment
    mentor: Any
    other_participant: Any
    other_place: Enrolment
    other_mentor: Any
    level2_participant: Any
    level2_place: Enrolment
    admin: Any
    facilitator: Any
    other_provider_admin: Any
    outsider: Any


def build_support_world() -> SupportWorld:
    w = build_qual_world()
    for teacher in (w.staff[0], w.staff[2]):
        safeguarded(w.school.school, teacher)
    place = book(w, w.plq_l1, [w.staff[0]])[0].enrolments.get()
    other_place = book(w, w.isqam_online, [w.staff[1]], mentor=w.staff[3])[0].enrolments.get()
    level2_place = book(w, w.plq_l2, [w.staff[2]])[0].enrolments.get()
    other_provider = OrganisationFactory(name="Other Provider", kind="provider")
    oona = staff_user(other_provider, "oona@other.test", "Oona Other")
    RoleFactory(organisation=other_provider, user=oona, role=Role.PROGRAMME_ADMIN)
    return SupportWorld(
        q=w,
        participant=w.staff[0],
        place=place,
        mentor=w.mentor,
        other_participant=w.staff[1],
        other_place=other_place,
        other_mentor=w.staff[3],
        level2_participant=w.staff[2],
        level2_place=level2_place,
        admin=w.admin,
        facilitator=w.facilitator,
        other_provider_admin=oona,
        outsider=w.school.outsider,
    )


def text_file(name: str = "reading-list.txt", content: bytes = b"Read chapter 3 before the training day.\n"):  # noqa: ANN201
    return SimpleUploadedFile(name, content, content_type="text/plain")


def plq_file(s: SupportWorld, title: str = "Reading list") -> Resource:
    """A programme-wide file on the PLQ edition, added by the administrator."""
    return services.resource_add(actor=s.admin, edition=s.q.plq, title=title, upload=text_file())
