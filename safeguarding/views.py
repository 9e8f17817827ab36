"""Logging a concern, the logger's own view, the DSL team's queue and a concern's page, and the step-up check.

Every record is fetched through `access.permissions.get_for_user` (another school's is 404, outside the role 403)
and every read of a safeguarding record is audited. The child's file pages are in `file_views.py`."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import can_view_pupil, get_for_user
from accounts.forms import TokenForm
from accounts.services import confirmed_totp_device, second_factor_verify
from audit.models import AuditEvent
from audit.services import record_event, record_read, record_reads
from core.forms import saved_by
from core.http import HtmxHttpRequest
from core.uploads import download_response
from safeguarding import permissions, selectors, services, stepup
from safeguarding.forms import ActionDoneForm, ActionForm, ConcernForm, CorrectionForm, DecisionForm, LinkForm
from safeguarding.models import Action, Concern, ConcernAttachment, Decision
from safeguarding.selectors.pupils import concern_choices, load_tutor_groups


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("safeguarding:queue")


@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest) -> HttpResponse:
    """Verify a fresh TOTP code before safeguarding records open; stamps the session for the window."""
    target = _safe_next(request)
    device = confirmed_totp_device(request.user)  # type: ignore[arg-type]
    if device is None:
        return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': target})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor_verify(device=device, code=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error.message_dict["token"])
        else:
            stepup.stamp(request.session)
            record_event(
                action=AuditEvent.Action.LOGIN,
                actor=request.user,
                object_type="accounts.User",
                object_id=str(request.user.pk),
                note="safeguarding step-up",
            )
            return redirect(target)
    minutes = stepup.window_seconds() // 60
    return render(request, "safeguarding/step_up.html", {"form": form, "next": target, "minutes": minutes})


# --- Logging a concern (any member of staff) ---------------------------------------------------


@require_http_methods(["GET", "POST"])
def concern_log(request: HtmxHttpRequest) -> HttpResponse:
    """Any member of staff logs a concern about any child on roll where they work (or a pupil they can see)."""
    pupils = concern_choices(request.user, request.organisation)
    initial = _prefill(request)
    form = ConcernForm(request.POST or None, request.FILES or None, pupils=pupils, initial=initial)
    concern = saved_by(
        request,
        form,
        lambda data: services.concern_log(actor=request.user, **data),
    )
    if concern is not None:
        messages.success(request, "Your concern has been sent to the safeguarding team. Thank you.")
        return redirect("safeguarding:my_concern", pk=concern.pk)
    return render(request, "safeguarding/concern_log.html", {"form": form})


def _prefill(request: HttpRequest) -> dict[str, Any]:
    """The form prefilled from where it was opened: `?pupil=<id>` (the profile, a register, an incident), with
    `where=` (the register's group, the incident's place) and `when=` (YYYY-MM-DDTHH:MM, the incident's time).
    Only initial values: the pupil is still checked against the ones the user may see, and a bad `when` is
    ignored."""
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    when = request.GET.get("when", "")
    try:
        datetime.datetime.strptime(when, "%Y-%m-%dT%H:%M")
    except ValueError:
        when = now
    return {
        "pupil": request.GET.get("pupil"),
        "happened_at": when,
        "location": request.GET.get("where", "")[:200],
    }


@require_GET
def my_concerns(request: HttpRequest) -> HttpResponse:
    """The concerns I logged, and whether each was received or reviewed."""
    rows = list(selectors.my_concerns(request.user)[:200])
    for concern in rows:
        concern.status_text = selectors.status_label(concern)  # type: ignore[attr-defined]
    return render(request, "safeguarding/my_concerns.html", {"concerns": rows})


@require_GET
def my_concern(request: HttpRequest, pk: int) -> HttpResponse:
    """What I logged and that it was received; never the decision or the rest of the child's file."""
    concern = get_for_user(
        request.user, Concern.objects.select_related("pupil"), permissions.can_read_own, pk=pk
    )
    record_read(actor=request.user, obj=concern, note="safeguarding: the logger's own concern")
    load_tutor_groups([concern.pupil])
    context = {"concern": concern, "status": selectors.status_label(concern)}
    return render(request, "safeguarding/my_concern.html", context)


@require_http_methods(["GET", "POST"])
def concern_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a concern: a new concern linked to it; the original stays on the file as it was."""
    original = get_for_user(
        request.user, Concern.objects.select_related("pupil"), permissions.can_correct_concern, pk=pk
    )
    if not permissions.can_read_own(request.user, original) and (wait := stepup.step_up_redirect(request)):
        return wait
    record_read(actor=request.user, obj=original, note="safeguarding: correcting")
    initial = {f: getattr(original, f) for f in services.CONCERN_FIELDS}
    initial["happened_at"] = timezone.localtime(original.happened_at).strftime("%Y-%m-%dT%H:%M")
    shows_birth = can_view_pupil(request.user, original.pupil)
    form = CorrectionForm(
        request.POST or None, initial=initial, pupil=original.pupil, shows_birth=shows_birth
    )
    saved = saved_by(
        request,
        form,
        lambda data: services.concern_correct(actor=request.user, concern=original, **data),
    )
    if saved is not None:
        messages.success(
            request, f"Correction recorded as concern #{saved.pk}; the original stays on the file."
        )
        if permissions.can_triage(request.user, saved):
            return redirect("safeguarding:concern_detail", pk=saved.pk)
        return redirect("safeguarding:my_concern", pk=saved.pk)
    return render(request, "safeguarding/concern_correct.html", {"form": form, "original": original})


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """A concern's attachment, always as a download, after the permission check."""
    qs = ConcernAttachment.objects.select_related("concern__pupil")
    attachment = get_for_user(request.user, qs, permissions.can_read_attachment, pk=pk)
    if not permissions.can_read_own(request.user, attachment.concern) and (
        wait := stepup.step_up_redirect(request)
    ):
        return wait  # type: ignore[return-value]
    record_read(actor=request.user, obj=attachment.concern, note=f"safeguarding: attachment {attachment.pk}")
    return download_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- The DSL team: queue, concern, decision, actions ------------------------------------------


@require_GET
def queue(request: HtmxHttpRequest) -> HttpResponse:
    """New concerns awaiting a decision, with their age since logging."""
    if not permissions.is_dsl_team(request.user):
        raise PermissionDenied
    now = timezone.now()
    rows = list(selectors.queue(request.user)[:500])
    for concern in rows:
        concern.age = selectors.age_label(concern.logged_at, now)  # type: ignore[attr-defined]
    record_reads(actor=request.user, objs=rows, note="safeguarding: listed in the queue")
    late = list(selectors.overdue(selectors.visible_referrals(request.user), timezone.localdate())[:100])
    for referral in late:
        referral.days_over = (timezone.localdate() - referral.answer_due_on).days  # type: ignore[attr-defined]
    record_reads(actor=request.user, objs=late, note="safeguarding: overdue on the queue")
    context = {
        "concerns": rows,
        "fresh": stepup.is_fresh(request.session),
        "overdue": late,
        # Only the DSL chooses who sees the flag: the rest of the team is not offered a page that refuses them.
        "may_edit_settings": request.organisation is not None
        and permissions.can_edit_settings(request.user, request.organisation),
        **_transfer_alerts(request),
    }
    return render(request, "safeguarding/queue.html", context)


def _transfer_alerts(request: HttpRequest) -> dict[str, Any]:
    """Transfers not receipted within 5 school days, leavers whose file has not been sent, files sent to us."""
    from safeguarding.selectors import transfers

    late = transfers.overdue_transfers(request.user)
    record_reads(
        actor=request.user,
        objs=[s.transfer for s in late],
        note="safeguarding: transfer overdue on the queue",
    )
    return {
        "late_transfers": late,
        "leavers": list(transfers.leavers_to_send(request.user)[:50]),
        "incoming_waiting": transfers.incoming(request.user).filter(receipt__isnull=True).count(),
    }


def _triaged(request: HttpRequest, pk: int) -> Concern:
    return get_for_user(
        request.user,
        Concern.objects.select_related("pupil", "logged_by", "corrects"),
        permissions.can_triage,
        pk=pk,
    )


@require_GET
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A concern whole, for the DSL team: decisions, actions, corrections and the child's other concerns."""
    concern = _triaged(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    return _detail(request, concern, DecisionForm(), _action_form(concern))


def _action_form(concern: Concern, data: Any = None) -> ActionForm:
    # Prefixed, like the decision and link forms: the page's three forms must not share an id.
    return ActionForm(data, organisation_id=concern.organisation_id, prefix="action")


def _detail(
    request: HttpRequest,
    concern: Concern,
    decision_form: Any,
    action_form: Any,
    status: int = 200,
    link_form: Any = None,
    done: tuple[int, Any] | None = None,
) -> HttpResponse:
    record_read(actor=request.user, obj=concern, note="safeguarding: concern opened")
    linked = selectors.linked_concerns(concern)
    load_tutor_groups([concern.pupil, *(other.pupil for other, _ in linked)])
    context = {
        "concern": concern,
        "decisions": concern.decisions.select_related("decided_by", "corrects"),
        "actions": concern.actions.select_related("owner", "done"),
        "corrections": concern.corrections.all(),
        "attachments": concern.attachments.all(),
        "others": selectors.other_concerns(concern)[:50],
        "linked": linked,
        "link_form": link_form or LinkForm(),
        "done_pk": done[0] if done else None,
        "done_form": done[1] if done else None,
        "decision_form": decision_form,
        "action_form": action_form,
        "age": selectors.age_label(concern.logged_at),
    }
    return render(request, "safeguarding/concern_detail.html", context, status=status)


@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision and its reason; a decision already made is corrected by a new one that says so."""
    concern = _triaged(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    corrects = None
    if request.POST.get("decision-corrects"):
        corrects = get_for_user(
            request.user, Decision.objects.filter(concern=concern), pk=request.POST["decision-corrects"]
        )
    form = DecisionForm(request.POST)
    saved = saved_by(
        request,
        form,
        lambda data: services.decision_record(actor=request.user, concern=concern, corrects=corrects, **data),
    )
    if saved is not None:
        messages.success(request, f"Decision recorded: {saved.get_outcome_display()}.")
        return redirect("safeguarding:concern_detail", pk=concern.pk)
    return _detail(request, concern, form, _action_form(concern), status=400)


@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Give someone an action on the concern, with a due date."""
    concern = _triaged(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    form = _action_form(concern, request.POST)
    saved = saved_by(
        request, form, lambda data: services.action_add(actor=request.user, concern=concern, **data)
    )
    if saved is not None:
        messages.success(request, "Action added.")
        return redirect("safeguarding:concern_detail", pk=concern.pk)
    return _detail(request, concern, DecisionForm(), form, status=400)


@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that an action was done, and what came of it."""
    qs = Action.objects.select_related("concern__pupil")
    action = get_for_user(request.user, qs, lambda user, a: permissions.can_triage(user, a.concern), pk=pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    form = ActionDoneForm(request.POST)
    if saved_by(request, form, lambda data: services.action_done(actor=request.user, action=action, **data)):
        messages.success(request, "Action recorded as done.")
        return redirect("safeguarding:concern_detail", pk=action.concern_id)
    concern = _triaged(request, action.concern_id)
    decision_form, action_form = DecisionForm(), _action_form(concern)
    return _detail(request, concern, decision_form, action_form, status=400, done=(action.pk, form))


@require_POST
def concern_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link this concern to one about another child (siblings, the same incident)."""
    concern = _triaged(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    form = LinkForm(request.POST)

    def link(data: dict[str, Any]) -> Any:
        linked = selectors.visible_concerns(request.user).filter(pk=data["linked"]).first()
        if linked is None:
            raise ValidationError({"linked": "No concern with that number is on a file you can open."})
        return services.concern_link(
            actor=request.user, concern=concern, linked=linked, reason=data["reason"]
        )

    if saved_by(request, form, link) is not None:
        messages.success(request, "Concerns linked.")
        return redirect("safeguarding:concern_detail", pk=concern.pk)
    decision_form, action_form = DecisionForm(), _action_form(concern)
    return _detail(request, concern, decision_form, action_form, status=400, link_form=form)
