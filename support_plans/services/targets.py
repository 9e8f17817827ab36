"""SMART targets, their revisions, and the signatures that agree them as they stand."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction

from support_plans.models import Party, SecureLink, Signature, SupportPlan, Target, TargetRevision
from support_plans.selectors import current_revision_ids
from support_plans.services._base import saved
from support_plans.services.questionnaires import use_link

REVISION_FIELDS = TargetRevision.WORDING_FIELDS


class TargetWording(TypedDict, total=False):
    """A target's SMART wording (`TargetRevision.WORDING_FIELDS`), as keyword arguments."""

    specific: str
    measure: str
    baseline: str
    achievable: str
    result: str
    due_on: datetime.date | None
    step: int | None
    support: str
    support_by: str
    support_by_detail: str
    recognition: str


def _revision(
    target: Target, version: int, actor: Any, wording: Mapping[str, Any], reason: str = ""
) -> TargetRevision:
    rev = TargetRevision(
        organisation_id=target.organisation_id,
        target=target,
        version=version,
        revised_by=actor,
        reason=reason,
    )
    for key in REVISION_FIELDS:
        if wording.get(key) is not None:
            setattr(rev, key, wording[key])
    return saved(rev)


def _check_due(plan: SupportPlan, due_on: datetime.date | None) -> None:
    """A target is met by a day within the plan: not before it starts (its initial meeting, else its opening)."""
    starts = plan.starts_on or plan.opened_on
    if due_on is not None and due_on < starts:
        raise ValidationError(
            {
                "due_on": f"A target cannot be met before the plan starts ({starts:%-d %b %Y}): choose a later date."
            }
        )


@transaction.atomic
def target_add(*, actor: Any, plan: SupportPlan, **wording: Unpack[TargetWording]) -> Target:
    """Add a SMART target; one missing an element is refused with a message naming it."""
    probe = TargetRevision(**{k: wording.get(k) for k in REVISION_FIELDS if wording.get(k) is not None})
    missing = probe.missing_smart()
    if missing:
        raise ValidationError("This target is not SMART yet. Missing: " + "; ".join(missing) + ".")
    _check_due(plan, wording.get("due_on"))
    number = (plan.targets.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    target = saved(Target(organisation_id=plan.organisation_id, plan=plan, number=number))
    _revision(target, 1, actor, wording)
    return target


@transaction.atomic
def target_revise(
    *, actor: Any, target: Target, reason: str, **wording: Unpack[TargetWording]
) -> TargetRevision:
    """A new wording of the target (only the elements given change); earlier revisions are kept as they were."""
    current = target.current
    version = (current.version if current else 0) + 1
    merged = {k: getattr(current, k) for k in REVISION_FIELDS} if current else {}
    merged.update({k: v for k, v in wording.items() if k in REVISION_FIELDS})
    if current and all(merged[k] == getattr(current, k) for k in REVISION_FIELDS):
        raise ValidationError("Nothing has changed: the target is as it was.")
    if "due_on" in wording:
        _check_due(target.plan, merged.get("due_on"))
    return _revision(target, version, actor, merged, reason=reason)


def target_retire(*, actor: Any, target: Target) -> Target:
    target.is_active = False
    return saved(target)


TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame"})


def _name_words(name: str) -> list[str]:
    words = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", name.casefold())
    return [w for w in words if w.rstrip(".") not in TITLES]


def signature_matches(party: Party, typed: str) -> bool:
    """Whether a typed signature carries the party's full name (titles aside, any case, more words allowed): a
    pupil may sign with their legal or their known-as name. An outside agency, often named for its service, is not
    checked."""
    if party.kind == Party.Kind.AGENCY:
        return True
    names = [party.name]
    if party.kind == Party.Kind.PUPIL:
        pupil = party.plan.pupil
        names.append(f"{pupil.legal_first_name} {pupil.legal_last_name}")
    typed_words = set(_name_words(typed))
    return any(_name_words(n) and set(_name_words(n)) <= typed_words for n in names)


def sign_targets(
    *,
    plan: SupportPlan,
    party: Party,
    signed_name: str,
    method: str,
    witnessed_by: Any = None,
    link: SecureLink | None = None,
) -> Signature:
    """An attendee signs the targets as they stand now."""
    if party.plan_id != plan.pk:
        raise ValidationError("That person is not a party to this plan.")
    if not signed_name.strip():
        raise ValidationError({"signed_name": "Type your full name to sign."})
    if method == Signature.Method.ON_SCREEN and not signature_matches(party, signed_name):
        raise ValidationError(
            {"signed_name": f"The signature must be {party.name}'s full name, as it is recorded on the plan."}
        )
    ids = current_revision_ids(plan)
    if not ids:
        raise ValidationError("There are no targets to sign yet.")
    if any(s.revision_ids == ids for s in plan.signatures.filter(party=party)):
        raise ValidationError(f"{party.name} has already signed these targets.")
    meeting = plan.meetings.order_by("-held_on", "-created_at").first()
    signature = saved(
        Signature(
            organisation_id=plan.organisation_id,
            plan=plan,
            party=party,
            meeting=meeting,
            signed_name=signed_name.strip(),
            method=method,
            revision_ids=ids,
            witnessed_by=witnessed_by,
        )
    )
    if link is not None:
        use_link(link)
    return signature
