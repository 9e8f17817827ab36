"""Who may see safeguarding records: the DSL team only.

- The DSL (`Role.DSL`) sees the safeguarding records of every pupil of their organisation (and of its members, for a
  role held in a group of schools).
- A deputy DSL (`Role.DEPUTY_DSL`) with no scope does the same. A `DEPUTY_DSL` assignment narrowed to a site, a year
  group or a group (the existing `RoleAssignment` scoping) is a Designated Safeguarding Officer for that area only:
  a PAL who is DSO for their curriculum area holds one `DEPUTY_DSL` assignment per caseload group.
- Nobody else, senior leaders included, unless they also hold one of those roles. Any member of staff may log a
  concern about any child on roll at their school (their site, for a role narrowed to one) as KCSIE asks, and about
  any pupil they can see, and sees their own concerns (never the rest of the file). Logging grants no other read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from access.permissions import access_for, can_view_pupil, grants_in, grants_q
from access.roles import PUPIL_ROLES, SAFEGUARDING_ROLES, Role

DSL_TEAM_ROLES = SAFEGUARDING_ROLES
# The staff who work with pupils (the roles offered "My safeguarding concerns"): each may log a concern about any
# child on roll where they work, not only the pupils their role shows them.
CONCERN_LOGGER_ROLES = PUPIL_ROLES


def _grant_q(access: Any, grant: Any, prefix: str) -> Q | None:
    if grant.role not in DSL_TEAM_ROLES:
        return None
    orgs = access.reach.get(grant.organisation_id, {grant.organisation_id})
    q = Q(**{f"{prefix}organisation_id__in": orgs})
    if grant.role == Role.DSL:
        return q
    if grant.site_id:
        q &= Q(**{f"{prefix}site_id": grant.site_id})
    if grant.year_group is not None:
        q &= Q(**{f"{prefix}year_group": grant.year_group})
    if grant.group_id:
        from people.models import GroupMembership

        members = GroupMembership.objects.current(timezone.localdate()).filter(group_id=grant.group_id)
        q &= Q(**{f"{prefix}pk__in": members.values("pupil_id")})
    return q


def safeguarding_pupil_q(user: Any, prefix: str = "") -> Q:
    """A Q over Pupil (or over `prefix` + pupil fields) matching the pupils whose file this user may open."""
    access = access_for(user)
    q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for grant in access.grants:
        grant_q = _grant_q(access, grant, prefix)
        if grant_q is not None:
            q |= grant_q
    return q


def is_dsl_team(user: Any, organisation_id: int | None = None) -> bool:
    """Whether the user holds a DSL-team role at all (in the organisation, when given)."""
    return bool(access_for(user).roles(organisation_id) & DSL_TEAM_ROLES)


def visible_files(user: Any) -> QuerySet:
    """The pupils whose safeguarding file this user may open."""
    from people.models import Pupil

    if not is_dsl_team(user):
        return Pupil.objects.none()
    return Pupil.objects.filter(safeguarding_pupil_q(user))


def can_view_file(user: Any, pupil: Any) -> bool:
    """Whether the user is on the DSL team for this pupil (their area, for a DSO)."""
    if not is_dsl_team(user, pupil.organisation_id):
        return False
    return visible_files(user).filter(pk=pupil.pk).exists()


def can_triage(user: Any, concern: Any) -> bool:
    """The DSL team for the concern's pupil decides on it, sets actions and reads it whole."""
    return can_view_file(user, concern.pupil)


def on_roll_where_working_q(user: Any) -> Q:
    """A Q over Pupil: the children on roll where this user holds a staff role that works with pupils (at that site,
    for a role narrowed to one). KCSIE: any member of staff reports a concern about any child at their school; with
    the pupils they can already see (`access.permissions.pupil_filter`), these are the children they may log a
    concern about (`can_log_concern`, `selectors.pupils.concern_choices`)."""
    today = timezone.localdate()
    on_roll = Q(left_on__isnull=True) | Q(left_on__gte=today)

    def grant_q(grant: Any, orgs: set[int]) -> Q | None:
        if grant.role not in CONCERN_LOGGER_ROLES:
            return None
        return Q(organisation_id__in=orgs) & (Q(site_id=grant.site_id) if grant.site_id else Q())

    return grants_q(user, grant_q) & on_roll


def can_log_concern(user: Any, pupil: Any) -> bool:
    """Any member of staff may log a concern about a child on roll where they work, or a pupil they can see
    (`on_roll_where_working_q`). It grants nothing else: the logger reads only their own concern."""
    if can_view_pupil(user, pupil):
        return True
    if not pupil.is_on_roll:
        return False
    grants = grants_in(user, pupil.organisation_id, CONCERN_LOGGER_ROLES)
    return any(not g.site_id or g.site_id == pupil.site_id for g in grants)


def can_read_own(user: Any, concern: Any) -> bool:
    """The person who logged a concern sees it and that it was received."""
    return concern.logged_by_id == getattr(user, "pk", None)


def can_correct_concern(user: Any, concern: Any) -> bool:
    """Its author or the DSL team may add a correction to a concern."""
    return can_read_own(user, concern) or can_triage(user, concern)


def can_read_attachment(user: Any, attachment: Any) -> bool:
    return can_correct_concern(user, attachment.concern)


def can_see_flag(user: Any, pupil: Any) -> bool:
    """The discreet child-protection flag: the DSL team, and the roles the school chose to tell."""
    if can_view_file(user, pupil):
        return True
    from safeguarding.selectors import flag_roles

    roles = flag_roles(pupil.organisation_id)
    return bool(
        roles and access_for(user).roles(pupil.organisation_id) & roles and can_view_pupil(user, pupil)
    )


def can_edit_settings(user: Any, organisation: Any) -> bool:
    """Only the DSL chooses who sees the flag."""
    return Role.DSL in access_for(user).roles(organisation.pk)


def can_manage_agencies(user: Any, organisation: Any) -> bool:
    """The DSL team keeps the school's list of agencies."""
    return is_dsl_team(user, organisation.pk)


def can_make_referral(user: Any, pupil: Any, agency: Any) -> bool:
    """The DSL team for the child refers to any agency; a PAL who can see the child may signpost (counselling,
    CAMHS, the school nurse, other services), e.g. from a listening note. The agency must be the school's own."""
    from safeguarding.models import SIGNPOSTING_KINDS

    if agency.organisation_id != pupil.organisation_id:
        return False
    if can_view_file(user, pupil):
        return True
    return agency.kind in SIGNPOSTING_KINDS and can_signpost(user, pupil)


def can_signpost(user: Any, pupil: Any) -> bool:
    """A PAL who can see the child signposts them to counselling and health services (the listening service)."""
    return Role.PAL in access_for(user).roles(pupil.organisation_id) and can_view_pupil(user, pupil)


def can_read_referral(user: Any, referral: Any) -> bool:
    """The DSL team for the child, and the person who made the referral (who follows it up)."""
    return referral.made_by_id == getattr(user, "pk", None) or can_view_file(user, referral.pupil)


def can_list_referrals(user: Any) -> bool:
    """The referrals list: the DSL team, a PAL (who signposts), and anyone who made a referral (they follow it
    up); everyone else is refused rather than shown an empty list."""
    from safeguarding.models import Referral

    if access_for(user).roles() & (DSL_TEAM_ROLES | {Role.PAL}):
        return True
    # By maker alone, as `can_read_referral`: a former PAL with no role left still follows up their referrals.
    return Referral.objects.filter(made_by_id=getattr(user, "pk", None)).exists()


def can_decide_subject_access(user: Any, pupil: Any) -> bool:
    """The DSL (not a deputy or DSO) decides what a subject-access export includes of a child's file."""
    return can_view_file(user, pupil) and Role.DSL in access_for(user).roles(pupil.organisation_id)
