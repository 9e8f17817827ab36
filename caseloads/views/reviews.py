"""The eLLP: a student's Learning and Progress Reviews and targets; one review's page (every part a small form
posted in turn, all reachable by keyboard); sign-off and addenda; the lists of reviews due and completion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import get_for_user
from audit.services import record_read
from caseloads import selectors, services
from caseloads.forms import (
    ActionForm,
    AddendumForm,
    ProgressForm,
    ReviewForm,
    ReviewStartForm,
    TargetForm,
    WindowForm,
)
from caseloads.models import LearningTarget, Review, ReviewWindow, StageOneMeeting, TargetProgress
from caseloads.permissions import (
    LEADER_ROLES,
    can_act_on_caseload_pupil,
    can_assign,
    can_read_review,
    can_read_student,
    can_write_review,
    can_write_student,
)
from caseloads.views.caseload import caseload_groups
from caseloads.views.common import organisation_for
from caseloads.views.passports import ellp_context
from core.forms import apply_validation_error
from people.models import Group, Pupil

REVIEWS = Review.objects.select_related("pupil", "window", "reviewer", "signed_off_by", "organisation")


@require_GET
def ellp(request: HttpRequest, pk: int) -> HttpResponse:
    """The student's electronic learning plan: every LPR and target, newest first."""
    pupil = get_for_user(request.user, Pupil.objects.select_related("organisation"), can_read_student, pk=pk)
    record_read(actor=request.user, obj=pupil, note="eLLP")
    reviews = list(REVIEWS.filter(organisation=pupil.organisation, pupil=pupil).order_by("-held_on", "-pk"))
    targets = LearningTarget.objects.filter(organisation=pupil.organisation, pupil=pupil).select_related(
        "review__window"
    )
    progress: dict[int, list[TargetProgress]] = {}
    for p in TargetProgress.objects.filter(
        organisation=pupil.organisation, target__pupil=pupil
    ).select_related("review__window"):
        progress.setdefault(p.target_id, []).append(p)
    can_write = can_write_student(request.user, pupil)
    today = timezone.localdate()
    windows = services.windows_for(pupil.organisation, services.academic_year_for(today))
    # Only windows opened by today and not yet reviewed: a future window's figures would be empty.
    open_windows = services.startable_windows(windows, today, reviewed=[r.window_id for r in reviews])
    start_form = None
    if can_write and open_windows:
        current = selectors.current_of(windows, today)
        start_form = ReviewStartForm(
            windows=open_windows,
            initial={"window": current if current in open_windows else open_windows[0], "held_on": today},
        )
    return render(
        request,
        "caseloads/ellp.html",
        {
            "pupil": pupil,
            "can_amend": can_act_on_caseload_pupil(request.user, pupil),
            "meetings": StageOneMeeting.objects.filter(organisation=pupil.organisation, pupil=pupil),
            "reviews": reviews,
            "start_form": start_form,
            "can_write": can_write,
            "targets": [(t, progress.get(t.pk, [])) for t in targets],
            **ellp_context(request.user, pupil),
        },
    )


@require_POST
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(request.user, Pupil.objects.select_related("organisation"), can_write_student, pk=pk)
    today = timezone.localdate()
    windows = services.windows_for(pupil.organisation, services.academic_year_for(today))
    form = ReviewStartForm(request.POST, windows=services.startable_windows(windows, today))
    if form.is_valid():
        try:
            review = services.review_start(
                actor=request.user,
                pupil=pupil,
                window=form.cleaned_data["window"],
                held_on=form.cleaned_data["held_on"],
                today=today,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("caseloads:review", pk=review.pk)
    return render(
        request,
        "caseloads/form_page.html",
        {
            "form": form,
            "title": f"Start a review for {pupil.display_name}",
            "button": "Start the review",
            "cancel_url": reverse("caseloads:ellp", args=[pupil.pk]),
        },
    )


def _review_context(request: HttpRequest, review: Review, **forms: Any) -> dict[str, Any]:
    previous = services.previous_targets(review)
    current = {p.target_id: p for p in review.progress.all()}
    can_write = can_write_review(request.user, review) and not review.is_locked
    return {
        "review": review,
        "pupil": review.pupil,
        "can_write": can_write,
        "can_add_addendum": can_write_review(request.user, review) and review.is_locked,
        "previous": [(t, current.get(t.pk)) for t in previous],
        "targets": review.targets.all(),
        "actions": review.actions.all(),
        "addenda": review.addenda.select_related("written_by"),
        "review_form": forms.get("review_form")
        or ReviewForm(
            initial={
                "student_voice": review.student_voice,
                "comment": review.comment,
                "risk": review.risk,
            }
        ),
        "progress_form": forms.get("progress_form") or ProgressForm(targets=previous, current=current),
        "target_form": forms.get("target_form") or TargetForm(prefix="target"),
        "action_form": forms.get("action_form") or ActionForm(prefix="action"),
        "addendum_form": forms.get("addendum_form") or AddendumForm(),
        "sign_error": forms.get("sign_error"),
    }


@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_for_user(request.user, REVIEWS, can_read_review, pk=pk)
    record_read(actor=request.user, obj=obj)
    return render(request, "caseloads/review.html", _review_context(request, obj))


def _writable(request: HttpRequest, pk: int) -> Review:
    obj = get_for_user(request.user, REVIEWS, can_write_review, pk=pk)
    return obj


def _locked_refusal(request: HttpRequest, obj: Review) -> HttpResponse:
    messages.error(request, "This review is signed off; add an addendum instead.")
    return redirect("caseloads:review", pk=obj.pk)


def _post_to_review(
    request: HttpRequest,
    pk: int,
    *,
    form_key: str,
    make_form: Callable[[Review], Any],
    write: Callable[[Review, Any], Any],
    done: str,
    anchor: str,
) -> HttpResponse:
    """One part of an unlocked review posted: validate, write through the service (its errors on the form's
    fields), then back to the review at `anchor`; the review page again with the form's errors otherwise."""
    obj = _writable(request, pk)
    if obj.is_locked:
        return _locked_refusal(request, obj)
    form = make_form(obj)
    if form.is_valid():
        try:
            write(obj, form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(reverse("caseloads:review", args=[obj.pk]) + anchor)
    return render(request, "caseloads/review.html", _review_context(request, obj, **{form_key: form}))


@require_POST
def review_save(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_to_review(
        request,
        pk,
        form_key="review_form",
        make_form=lambda obj: ReviewForm(request.POST),
        write=lambda obj, form: services.review_update(actor=request.user, review=obj, **form.cleaned_data),
        done="Review saved.",
        anchor="#targets",
    )


@require_POST
def progress_save(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_to_review(
        request,
        pk,
        form_key="progress_form",
        make_form=lambda obj: ProgressForm(
            request.POST,
            targets=services.previous_targets(obj),
            current={p.target_id: p for p in obj.progress.all()},
        ),
        write=lambda obj, form: services.progress_record(
            actor=request.user, review=obj, ratings=form.ratings()
        ),
        done="Progress on earlier targets saved.",
        anchor="#targets",
    )


@require_POST
def target_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_to_review(
        request,
        pk,
        form_key="target_form",
        make_form=lambda obj: TargetForm(request.POST, prefix="target"),
        write=lambda obj, form: services.target_add(actor=request.user, review=obj, **form.cleaned_data),
        done="Target added.",
        anchor="#new-target",
    )


@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_to_review(
        request,
        pk,
        form_key="action_form",
        make_form=lambda obj: ActionForm(request.POST, prefix="action"),
        write=lambda obj, form: services.action_add(actor=request.user, review=obj, **form.cleaned_data),
        done="Action added.",
        anchor="#new-action",
    )


@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _writable(request, pk)
    if obj.is_locked:
        return _locked_refusal(request, obj)
    try:
        services.review_sign_off(actor=request.user, review=obj)
    except ValidationError as exc:
        return render(
            request, "caseloads/review.html", _review_context(request, obj, sign_error=exc.messages)
        )
    messages.success(request, "Review signed off: it is locked now; later notes are addenda.")
    return redirect("caseloads:review", pk=obj.pk)


@require_POST
def addendum_add(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _writable(request, pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(actor=request.user, review=obj, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Addendum added.")
            return redirect("caseloads:review", pk=obj.pk)
    return render(request, "caseloads/review.html", _review_context(request, obj, addendum_form=form))


@require_GET
def reviews_due(request: HttpRequest) -> HttpResponse:
    """The caseload's students due a review this window, in progress, or overdue from a closed window."""
    groups = caseload_groups(request.user)
    if not groups:
        raise PermissionDenied("No caseload.")
    asked = request.GET.get("show", "")
    show = asked if asked in ("overdue", "in_progress") else "due"
    status = selectors.reviews_status(groups, timezone.localdate())
    rows = status[show]
    pupils = Pupil.objects.in_bulk([r["pupil_id"] for r in rows])
    names = {g.pk: g.name for g in groups}
    items = sorted(
        ({**r, "pupil": pupils[r["pupil_id"]], "group": names.get(r["group_id"], "")} for r in rows),
        key=lambda r: (r["window"].number, r["group"], r["pupil"].display_name),
    )
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "caseloads/reviews_due.html",
        {
            "show": show,
            "status": status,
            "page_obj": page,
            "querystring_prefix": f"show={show}&",
        },
    )


@require_GET
def completion(request: HttpRequest) -> HttpResponse:
    """LPR completion for a window: per PAL and per year group (leaders), per group (the PAL's caseload)."""
    organisation = organisation_for(request)
    groups = caseload_groups(request.user)
    leader = can_assign(request.user, organisation) or _leader_of(request.user, organisation)
    if not leader and not groups:
        raise PermissionDenied("Completion is for PALs and senior leaders.")
    windows = services.windows_for(organisation, services.academic_year_for(timezone.localdate()))
    window = next(
        (w for w in windows if str(w.pk) == request.GET.get("window")), None
    ) or selectors.current_window(organisation)
    if leader:
        school_groups = list(Group.objects.filter(organisation=organisation).select_related("organisation"))
        by_group = selectors.completion(window, school_groups)
        return render(
            request,
            "caseloads/completion.html",
            {
                "window": window,
                "windows": windows,
                "leader": True,
                "by_pal": selectors.completion_by_pal(organisation, window),
                "by_year": selectors.completion_by_year(organisation, window),
                "by_group": [r for r in by_group["rows"] if r["students"]],
                "total": by_group,
            },
        )
    mine = selectors.completion(window, groups)
    return render(
        request,
        "caseloads/completion.html",
        {
            "window": window,
            "windows": windows,
            "leader": False,
            "by_group": mine["rows"],
            "total": mine,
        },
    )


def _leader_of(user: Any, organisation: Any) -> bool:
    from access.permissions import has_role

    return has_role(user, LEADER_ROLES, organisation.pk)


@require_GET
def windows(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for(request, can_assign)
    year = services.academic_year_for(timezone.localdate())
    return render(
        request,
        "caseloads/windows.html",
        {
            "windows": services.windows_for(organisation, year),
            "year": year,
        },
    )


@require_http_methods(["GET", "POST"])
def window_edit(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_for_user(request.user, ReviewWindow, lambda u, w: can_assign(u, w.organisation), pk=pk)
    form = WindowForm(request.POST or None, instance=ReviewWindow.objects.get(pk=window.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.window_save(actor=request.user, window=window, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Review {window.number} saved.")
            return redirect("caseloads:windows")
    return render(
        request,
        "caseloads/form_page.html",
        {
            "form": form,
            "title": f"Review window {window.number}",
            "button": "Save the window",
            "cancel_url": reverse("caseloads:windows"),
        },
    )
