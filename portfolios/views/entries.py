"""The portfolio, its modules and entries, their attachments and comments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import refusal
from audit.services import record_read
from core.forms import apply_validation_error
from core.http import HtmxHttpRequest
from core.uploads import download_response
from portfolios import forms, selectors, services
from portfolios.models import (
    Attachment,
    Certificate,
    Entry,
    Portfolio,
)
from portfolios.permissions import (
    can_administer,
    can_edit_portfolio,
    can_meet,
    can_mentor,
    can_view_portfolio,
    fetch_portfolio,
    fetch_sample_item,
)
from portfolios.views.common import _errors
from qualifications.models import Activity

# --- The portfolio -----------------------------------------------------------------------------


@require_GET
def portfolio_detail(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_view_portfolio)
    progress = selectors.activity_progress(portfolio)
    today = timezone.localdate()
    return render(
        request,
        "portfolios/portfolio_detail.html",
        {
            "portfolio": portfolio,
            "progress": progress,
            "level_percent": selectors.level_percent(progress),
            "meeting": selectors.meeting_status([portfolio], today)[0],
            "problems": selectors.submission_problems(portfolio, today, progress)
            if can_edit_portfolio(request.user, portfolio)
            else [],
            "deadline": selectors.submission_deadline(portfolio),
            "can_edit": can_edit_portfolio(request.user, portfolio),
            "is_mentor": can_mentor(request.user, portfolio),
            "is_admin": can_administer(request.user, portfolio),
            "statement": getattr(portfolio, "statement", None) if hasattr(portfolio, "statement") else None,
            "submissions": portfolio.submissions.select_related("review"),
            "certificate": Certificate.objects.filter(portfolio=portfolio).first(),
            "has_evaluation": hasattr(portfolio, "evaluation"),
        },
    )


@require_GET
def module_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_view_portfolio)
    progress = selectors.activity_progress(portfolio)
    module = next((m for m in progress if m.module.number == number), None)
    if module is None:
        raise Http404("No such module in this portfolio.")
    can_edit = can_edit_portfolio(request.user, portfolio)
    return render(
        request,
        "portfolios/module_detail.html",
        {
            "portfolio": portfolio,
            "module": module,
            "can_edit": can_edit,
            # The only action a row offers is skipping an optional activity: no column when no row has one.
            "skippable": {i.activity.pk for i in module.activities if _skippable(i)} if can_edit else set(),
        },
    )


def _skippable(item: selectors.ActivityProgress) -> bool:
    """An optional activity not yet skipped nor complete: its participant may skip it."""
    return item.activity.kind == "optional" and not item.skipped and item.status != "complete"


def _activity(portfolio: Portfolio, activity_pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("module"),
        pk=activity_pk,
        module__level_id=portfolio.enrolment.level_id,
    )


@require_http_methods(["GET", "POST"])
def entry_edit(request: HtmxHttpRequest, pk: int, activity_pk: int, sequence: int = 1) -> HttpResponse:
    """Read (mentor, reviewer, administrator) or write (participant) one activity's entry."""
    portfolio = fetch_portfolio(request.user, pk, can_view_portfolio)
    activity = _activity(portfolio, activity_pk)
    entry = selectors.entry_for(portfolio, activity, sequence)
    aspiring_alternative = selectors.offers_aspiring_alternative(activity, portfolio.enrolment)
    form = forms.EntryForm(
        request.POST or None,
        activity=activity,
        aspiring_alternative=aspiring_alternative,
        initial=forms.EntryForm.initial_for(entry),
    )
    if request.method == "POST":
        if not can_edit_portfolio(request.user, portfolio):
            raise PermissionDenied("Only the participant edits an open portfolio.")
        saved = _save_entry(request, form, portfolio, activity, sequence)
        if saved is not None:
            return _after_save(request, saved, activity)
        if request.htmx:
            return render(request, "portfolios/includes/autosave_status.html", {"error": True}, status=200)
    return render(
        request,
        "portfolios/entry_edit.html",
        {
            "portfolio": portfolio,
            "activity": activity,
            "entry": entry,
            "form": form,
            "sequence": sequence,
            "can_edit": can_edit_portfolio(request.user, portfolio),
            "can_comment": can_meet(request.user, portfolio) and entry is not None,
            "attachment_form": forms.AttachmentForm(optional=True),
            "comment_form": forms.CommentForm(),
            "siblings": selectors.records_offered(portfolio, activity),
            "body_html": entry.body if entry else "",
            "aspiring_alternative": aspiring_alternative,
        },
    )


def _save_entry(
    request: HttpRequest, form: forms.EntryForm, portfolio: Portfolio, activity: Activity, sequence: int
) -> Entry | None:
    """The posted entry saved as a draft, or as complete for "Mark complete"; None when the form or the service
    refuses it (the errors are on the form)."""
    if not form.is_valid():
        return None
    try:
        return services.entry_save(
            actor=request.user,
            portfolio=portfolio,
            activity=activity,
            sequence=sequence,
            body=form.cleaned_data["body"],
            reflection=form.reflection(),
            record=form.record(),
            alternative=form.cleaned_data.get("alternative", ""),
            difficult_issue=form.cleaned_data.get("difficult_issue", ""),
            complete="complete" in request.POST,
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


def _after_save(request: HtmxHttpRequest, entry: Entry, activity: Activity) -> HttpResponse:
    """Autosave's status line; else "Attach file" attaches the posted file to the saved draft, "Mark complete" returns
    to the module, and a draft (or an attachment) keeps the participant on the entry they are writing."""
    if request.htmx:
        return render(request, "portfolios/includes/autosave_status.html", {"entry": entry})
    if "attach" in request.POST:
        _attach_upload(request, entry)
    elif "complete" in request.POST:
        messages.success(request, "Entry marked complete.")
        return redirect("portfolios:module", pk=entry.portfolio_id, number=activity.module.number)
    else:
        messages.success(request, "Draft saved.")
    return _back_to_entry(entry)


def _back_to_entry(entry: Entry) -> HttpResponse:
    return redirect(
        "portfolios:entry", pk=entry.portfolio_id, activity_pk=entry.activity_id, sequence=entry.sequence
    )


def _attach_upload(request: HttpRequest, entry: Entry) -> None:
    """The file posted with the entry form (the draft is already saved, so nothing typed is lost)."""
    upload_form = forms.AttachmentForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        messages.error(request, "Draft saved. Choose a file to attach.")
        return
    try:
        added = services.attachment_add(
            actor=request.user, entry=entry, upload=upload_form.cleaned_data["file"]
        )
    except ValidationError as exc:
        messages.error(request, "Draft saved. " + " ".join(_errors(exc)))
    else:
        messages.success(request, f"Draft saved and {added.original_name} attached.")


@require_POST
def entry_skip(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_edit_portfolio)
    activity = _activity(portfolio, activity_pk)
    try:
        services.activity_skip(actor=request.user, portfolio=portfolio, activity=activity)
        messages.success(request, f"Activity {activity.number} is skipped.")
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("portfolios:module", pk=portfolio.pk, number=activity.module.number)


def _entry_for(request: HttpRequest, entry_pk: int, check) -> Entry:  # noqa: ANN001
    entry = Entry.objects.filter(pk=entry_pk).select_related("activity__module").first()
    if entry is None:
        raise refusal(Http404("No entry found."), model=Entry, reason="not found", pk=entry_pk)
    fetch_portfolio(request.user, entry.portfolio_id, check)
    return entry


@require_POST
def attachment_upload(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = _entry_for(request, entry_pk, can_edit_portfolio)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(actor=request.user, entry=entry, upload=form.cleaned_data["file"])
            messages.success(request, "File attached.")
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
    else:
        messages.error(request, "Choose a file to attach.")
    return _back_to_entry(entry)


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Served only here, after the permission check, always as a download (never rendered inline)."""
    attachment = Attachment.objects.filter(pk=pk).select_related("entry").first()
    if attachment is None:
        raise refusal(Http404("No attachment found."), model=Attachment, reason="not found", pk=pk)
    fetch_portfolio(request.user, attachment.entry.portfolio_id, can_view_portfolio)
    return _download(request, attachment)


def _download(request: HttpRequest, attachment: Attachment, note: str = "") -> FileResponse:
    """Every opening of a file is audited as a read of it, then served as a download."""
    record_read(actor=request.user, obj=attachment, note=note or "attachment downloaded")
    return download_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@require_GET
def moderation_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A file of a sampled portfolio, for its moderator (or the provider's administrator): only the files the
    submission's snapshot lists; 404 outside the user's organisations, 403 inside them without the right."""
    item = fetch_sample_item(request.user, pk)
    if attachment_pk not in selectors.snapshot_attachment_ids(item.review.submission):
        raise refusal(
            Http404("No such file in this sampled portfolio."),
            model=Attachment,
            reason="not in this sampled portfolio",
            pk=attachment_pk,
        )
    attachment = Attachment.objects.get(pk=attachment_pk)
    return _download(request, attachment, note=f"opened from the moderation of {item.pseudonym}")


@require_http_methods(["GET", "POST"])
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = Attachment.objects.filter(pk=pk).select_related("entry").first()
    if attachment is None:
        raise refusal(Http404("No attachment found."), model=Attachment, reason="not found", pk=pk)
    fetch_portfolio(request.user, attachment.entry.portfolio_id, can_edit_portfolio)
    entry = attachment.entry
    if request.method == "POST":
        services.attachment_delete(actor=request.user, attachment=attachment)
        messages.success(request, f"{attachment.original_name} removed.")
        return _back_to_entry(entry)
    return render(
        request,
        "portfolios/confirm.html",
        {
            "title": f"Remove {attachment.original_name}?",
            "body": "The file will be deleted.",
            "button": "Remove file",
            "cancel": reverse(
                "portfolios:entry", args=[entry.portfolio_id, entry.activity_id, entry.sequence]
            ),
        },
    )


@require_POST
def comment_add(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = _entry_for(request, entry_pk, can_meet)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(actor=request.user, entry=entry, body=form.cleaned_data["body"])
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment first.")
    return _back_to_entry(entry)
