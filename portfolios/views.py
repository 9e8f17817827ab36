"""Portfolio screens: thin views over services (writes) and selectors (reads)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.roles import Role
from accounts.models import User
from audit.services import record_denied, record_read
from organisations.models import Organisation
from pastoral.forms import apply_validation_error
from pastoral.http import HtmxHttpRequest
from pastoral.uploads import download_response
from portfolios import certificates, credentials, forms, selectors, services
from portfolios.models import (
    Attachment,
    Certificate,
    Entry,
    MentorMeeting,
    ModerationSample,
    Outcome,
    Portfolio,
    Review,
    Submission,
    normalise_code,
)
from portfolios.permissions import (
    admin_provider_ids,
    can_administer,
    can_edit_portfolio,
    can_meet,
    can_mentor,
    can_view_portfolio,
    fetch_certificate,
    fetch_portfolio,
    fetch_sample,
    fetch_sample_item,
    is_participant,
    visible_portfolios,
    visible_sample_items,
)
from qualifications.models import Activity, Edition, Module


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


# --- Dashboards --------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each person's part: own portfolios, mentees (with who is behind), allocations, the sample."""
    user = cast(User, request.user)  # LoginRequiredMiddleware: never anonymous here
    today = timezone.localdate()
    own = (
        visible_portfolios(user)
        .filter(enrolment__participant=user)
        .select_related("enrolment__level", "enrolment__edition__programme")
        .prefetch_related("meetings")
    )
    mentees = selectors.open_portfolios(visible_portfolios(user).filter(enrolment__mentor=user))
    reviews = (
        Review.objects.filter(reviewer=user)
        .select_related("submission__portfolio__enrolment__level")
        .order_by("completed_at", "allocated_at")
    )
    sample_items = visible_sample_items(user).select_related("review", "sample__edition")
    return render(
        request,
        "portfolios/home.html",
        {
            "own": selectors.meeting_status(own, today),
            "mentees": selectors.meeting_status(mentees, today),
            "reviews": reviews,
            "sample_items": sample_items,
            "is_admin": bool(admin_provider_ids(user)),
            "certificates": Certificate.objects.filter(holder=user).order_by("qualification", "level_number"),
        },
    )


@require_GET
def provider_admin(request: HttpRequest) -> HttpResponse:
    """The administrator's view: who is behind with meetings, who is late, what to allocate, samples."""
    provider_ids = admin_provider_ids(request.user)
    if not provider_ids:
        raise PermissionDenied("Only programme administrators see this page.")
    today = timezone.localdate()
    portfolios = Portfolio.objects.filter(provider_id__in=provider_ids)
    behind = [s for s in selectors.meeting_status(selectors.open_portfolios(portfolios), today) if s.behind]
    late = selectors.late_portfolios(portfolios, today)
    unallocated = Submission.objects.filter(
        portfolio__provider_id__in=provider_ids, review__isnull=True
    ).select_related("portfolio__enrolment__participant", "portfolio__enrolment__level")
    reviewers = _reviewers(provider_ids).annotate(
        total=Count("portfolio_reviews", filter=Q(portfolio_reviews__provider_id__in=provider_ids)),
        open=Count(
            "portfolio_reviews",
            filter=Q(
                portfolio_reviews__provider_id__in=provider_ids, portfolio_reviews__completed_at__isnull=True
            ),
        ),
    )
    editions = Edition.objects.filter(organisation_id__in=provider_ids).select_related(
        "programme", "academic_year"
    )
    samples = ModerationSample.objects.filter(organisation_id__in=provider_ids).select_related("edition")
    certs = Certificate.objects.filter(organisation_id__in=provider_ids).order_by("-issued_at")
    return render(
        request,
        "portfolios/provider_admin.html",
        {
            "behind": behind[:200],
            "late": late[:200],
            "unallocated": unallocated,
            "allocation_form": forms.AllocationForm(reviewers=_reviewers(provider_ids)),
            "reviewers": reviewers,
            "sample_form": forms.SampleForm(editions=editions),
            "samples": samples,
            "certificates": Paginator(certs, 50).get_page(request.GET.get("page")),
            "open_count": selectors.open_portfolios(portfolios).count(),
        },
    )


def _reviewers(provider_ids: set[int]):  # noqa: ANN202
    return (
        get_user_model()
        .objects.filter(
            role_assignments__role=Role.REVIEWER, role_assignments__organisation_id__in=provider_ids
        )
        .distinct()
        .order_by("full_name")
    )


@require_POST
def allocate(request: HttpRequest) -> HttpResponse:
    provider_ids = admin_provider_ids(request.user)
    if not provider_ids:
        raise PermissionDenied("Only programme administrators allocate portfolios.")
    form = forms.AllocationForm(request.POST, reviewers=_reviewers(provider_ids))
    if form.is_valid():
        made, unallocated = [], []
        for provider in Organisation.objects.filter(pk__in=provider_ids).order_by("pk"):
            reviewers = [
                r
                for r in form.cleaned_data["reviewers"]
                if r.role_assignments.filter(organisation=provider, role=Role.REVIEWER).exists()
            ]
            subs = list(Submission.objects.filter(portfolio__provider=provider, review__isnull=True))
            if reviewers and subs:
                result = services.allocate(
                    actor=request.user, provider=provider, reviewers=reviewers, submissions=subs
                )
                made += result.reviews
                unallocated += result.unallocated
        messages.success(request, f"{len(made)} portfolio(s) allocated.")
        for _submission, reason in unallocated:
            messages.error(request, reason)
    else:
        messages.error(request, "Choose at least one reviewer.")
    return redirect("portfolios:provider_admin")


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
    return render(
        request,
        "portfolios/module_detail.html",
        {
            "portfolio": portfolio,
            "module": module,
            "can_edit": can_edit_portfolio(request.user, portfolio),
        },
    )


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
    entry: Entry | None = (
        Entry.objects.filter(portfolio=portfolio, activity=activity, sequence=sequence)
        .prefetch_related("attachments", Prefetch("comments", to_attr="comment_list"))
        .first()
    )
    can_edit = can_edit_portfolio(request.user, portfolio)
    form = forms.EntryForm(
        request.POST or None,
        activity=activity,
        aspiring_alternative=selectors.offers_aspiring_alternative(activity, portfolio.enrolment),
        initial=forms.EntryForm.initial_for(entry),
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only the participant edits an open portfolio.")
        complete = "complete" in request.POST
        attach = "attach" in request.POST  # "Attach file" saves the draft as it stands, then attaches
        if form.is_valid():
            try:
                entry = services.save_entry(
                    actor=request.user,
                    portfolio=portfolio,
                    activity=activity,
                    sequence=sequence,
                    body=form.cleaned_data["body"],
                    reflection=form.reflection(),
                    record=form.record(),
                    alternative=form.cleaned_data.get("alternative", ""),
                    difficult_issue=form.cleaned_data.get("difficult_issue", ""),
                    complete=complete,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if request.htmx:
                    return render(request, "portfolios/includes/autosave_status.html", {"entry": entry})
                if attach:
                    _attach_upload(request, entry)
                elif complete:
                    messages.success(request, "Entry marked complete.")
                    return redirect("portfolios:module", pk=portfolio.pk, number=activity.module.number)
                else:
                    messages.success(request, "Draft saved.")
                # A draft (or an attachment) keeps the participant on the entry they are writing.
                return redirect(
                    "portfolios:entry", pk=portfolio.pk, activity_pk=activity.pk, sequence=sequence
                )
        if request.htmx:
            return render(request, "portfolios/includes/autosave_status.html", {"error": True}, status=200)
    siblings = []
    if activity.kind == Activity.Kind.MINIMUM:
        done = {e.sequence: e for e in Entry.objects.filter(portfolio=portfolio, activity=activity)}
        count = max(
            activity.minimum_count or 1,
            max(done, default=0) + (1 if len(done) >= (activity.minimum_count or 1) else 0),
        )
        siblings = [(n, done.get(n)) for n in range(1, count + 1)]
    return render(
        request,
        "portfolios/entry_edit.html",
        {
            "portfolio": portfolio,
            "activity": activity,
            "entry": entry,
            "form": form,
            "sequence": sequence,
            "can_edit": can_edit,
            "can_comment": can_meet(request.user, portfolio) and entry is not None,
            "attachment_form": forms.AttachmentForm(optional=True),
            "comment_form": forms.CommentForm(),
            "siblings": siblings,
            "body_html": entry.body if entry else "",
            "aspiring_alternative": selectors.offers_aspiring_alternative(activity, portfolio.enrolment),
        },
    )


def _attach_upload(request: HttpRequest, entry: Entry) -> None:
    """The file posted with the entry form (the draft is already saved, so nothing typed is lost)."""
    upload_form = forms.AttachmentForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        messages.error(request, "Draft saved. Choose a file to attach.")
        return
    try:
        added = services.add_attachment(
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
        services.skip_activity(actor=request.user, portfolio=portfolio, activity=activity)
        messages.success(request, f"Activity {activity.number} is skipped.")
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("portfolios:module", pk=portfolio.pk, number=activity.module.number)


def _entry_for(request: HttpRequest, entry_pk: int, check) -> Entry:  # noqa: ANN001
    entry = Entry.objects.filter(pk=entry_pk).select_related("activity__module").first()
    if entry is None:
        record_denied(actor=request.user, model=Entry, lookup={"pk": entry_pk}, reason="not found")
        raise Http404("No entry found.")
    fetch_portfolio(request.user, entry.portfolio_id, check)
    return entry


@require_POST
def attachment_upload(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = _entry_for(request, entry_pk, can_edit_portfolio)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(actor=request.user, entry=entry, upload=form.cleaned_data["file"])
            messages.success(request, "File attached.")
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
    else:
        messages.error(request, "Choose a file to attach.")
    return redirect(
        "portfolios:entry", pk=entry.portfolio_id, activity_pk=entry.activity_id, sequence=entry.sequence
    )


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Served only here, after the permission check, always as a download (never rendered inline)."""
    attachment = Attachment.objects.filter(pk=pk).select_related("entry").first()
    if attachment is None:
        raise Http404("No attachment found.")
    fetch_portfolio(request.user, attachment.entry.portfolio_id, can_view_portfolio)
    return _download(request, attachment)


def _download(request: HttpRequest, attachment: Attachment, note: str = "") -> FileResponse:
    """Every opening of a file is audited as a read of it, then served as a download."""
    record_read(actor=request.user, obj=attachment, note=note or "attachment downloaded")
    return download_response(
        attachment.file.open("rb"), filename=attachment.original_name, content_type=attachment.content_type
    )


@require_GET
def moderation_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A file of a sampled portfolio, for its moderator (or the provider's administrator): only the files the
    submission's snapshot lists; 404 outside the user's organisations, 403 inside them without the right."""
    item = fetch_sample_item(request.user, pk)
    if attachment_pk not in selectors.snapshot_attachment_ids(item.review.submission):
        record_denied(
            actor=request.user,
            model=Attachment,
            lookup={"pk": attachment_pk},
            reason="not in this sampled portfolio",
        )
        raise Http404("No such file in this sampled portfolio.")
    attachment = Attachment.objects.get(pk=attachment_pk)
    return _download(request, attachment, note=f"opened from the moderation of {item.pseudonym}")


@require_http_methods(["GET", "POST"])
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = Attachment.objects.filter(pk=pk).select_related("entry").first()
    if attachment is None:
        raise Http404("No attachment found.")
    fetch_portfolio(request.user, attachment.entry.portfolio_id, can_edit_portfolio)
    entry = attachment.entry
    if request.method == "POST":
        services.delete_attachment(actor=request.user, attachment=attachment)
        messages.success(request, f"{attachment.original_name} removed.")
        return redirect(
            "portfolios:entry", pk=entry.portfolio_id, activity_pk=entry.activity_id, sequence=entry.sequence
        )
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
        services.add_comment(actor=request.user, entry=entry, body=form.cleaned_data["body"])
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment first.")
    return redirect(
        "portfolios:entry", pk=entry.portfolio_id, activity_pk=entry.activity_id, sequence=entry.sequence
    )


# --- Meetings and the statement ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_view_portfolio)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST":
        if not can_meet(request.user, portfolio):
            raise PermissionDenied("Only the mentor and the participant log meetings.")
        if form.is_valid():
            try:
                services.log_meeting(actor=request.user, portfolio=portfolio, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "Meeting logged; it now needs the other person's confirmation.")
                return redirect("portfolios:meetings", pk=portfolio.pk)
    today = timezone.localdate()
    return render(
        request,
        "portfolios/meetings.html",
        {
            "portfolio": portfolio,
            "form": form,
            "meetings": selectors.meetings_for(portfolio),
            "status": selectors.meeting_status([portfolio], today)[0],
            "terms": selectors.meetings_by_term(portfolio, today),
            "can_meet": can_meet(request.user, portfolio),
        },
    )


@require_POST
def meeting_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = MentorMeeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise Http404("No meeting found.")
    portfolio = fetch_portfolio(request.user, meeting.portfolio_id, can_meet)
    try:
        services.confirm_meeting(actor=request.user, meeting=meeting)
        messages.success(request, f"Meeting on {meeting.held_on:%-d %B %Y} confirmed.")
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("portfolios:meetings", pk=portfolio.pk)


@require_http_methods(["GET", "POST"])
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_mentor)
    existing = getattr(portfolio, "statement", None) if hasattr(portfolio, "statement") else None
    form = forms.StatementForm(request.POST or None, initial={"body": existing.body if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_statement(actor=request.user, portfolio=portfolio, body=form.cleaned_data["body"])
        except ValidationError as exc:
            for m in _errors(exc):
                form.add_error("body", m)
        else:
            messages.success(request, "Supporting statement saved.")
            return redirect("portfolios:portfolio", pk=portfolio.pk)
    return render(request, "portfolios/statement.html", {"portfolio": portfolio, "form": form})


# --- Submission --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_view_portfolio)
    if not is_participant(request.user, portfolio):
        raise PermissionDenied("Only the participant submits their portfolio.")
    today = timezone.localdate()
    problems = selectors.submission_problems(portfolio, today)
    if request.method == "POST":
        try:
            services.submit(actor=request.user, portfolio=portfolio, today=today)
        except ValidationError as exc:
            problems = _errors(exc)
        else:
            messages.success(request, "Your portfolio is submitted. A copy is frozen for the reviewer.")
            return redirect("portfolios:portfolio", pk=portfolio.pk)
    return render(
        request,
        "portfolios/submit.html",
        {
            "portfolio": portfolio,
            "problems": problems,
            "deadline": selectors.submission_deadline(portfolio),
        },
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def extension(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_administer)
    form = forms.ExtensionForm(request.POST or None, initial={"until": portfolio.extension_until})
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_extension(actor=request.user, portfolio=portfolio, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Extension granted until {form.cleaned_data['until']:%-d %B %Y}.")
            return redirect("portfolios:provider_admin")
    return render(request, "portfolios/extension.html", {"portfolio": portfolio, "form": form})


# --- Review ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    review_obj = Review.objects.filter(pk=pk).select_related("submission__portfolio").first()
    if review_obj is None:
        raise Http404("No review found.")
    portfolio = fetch_portfolio(request.user, review_obj.submission.portfolio_id, can_view_portfolio)
    if review_obj.reviewer_id != request.user.pk and not can_administer(request.user, portfolio):
        raise PermissionDenied("Only the allocated reviewer judges this portfolio.")
    modules = list(portfolio.enrolment.level.modules.order_by("number"))
    form = forms.ReviewForm(request.POST or None, modules=modules)
    if request.method == "POST":
        if review_obj.reviewer_id != request.user.pk:
            raise PermissionDenied("Only the allocated reviewer judges this portfolio.")
        if form.is_valid():
            try:
                services.record_review(
                    actor=request.user,
                    review=review_obj,
                    judgements=form.judgements(),
                    outcome=form.cleaned_data["outcome"],
                    feedback=form.cleaned_data["feedback"],
                    rating=form.cleaned_data["rating"],
                    borderline=form.cleaned_data["borderline"],
                )
            except ValidationError as exc:
                for m in _errors(exc):
                    form.add_error(None, m)
            else:
                messages.success(request, "Review recorded.")
                return redirect("portfolios:home")
    judgements = list(review_obj.module_judgements.select_related("module"))
    evidence = selectors.evidence_by_module(review_obj.submission, modules, judgements)
    module_fields = [
        (group, form[f"module_{group.module.pk}_outcome"], form[f"module_{group.module.pk}_feedback"])
        for group in evidence
    ]
    return render(
        request,
        "portfolios/review.html",
        {
            "review": review_obj,
            "portfolio": portfolio,
            "form": form,
            "module_fields": module_fields,
            "snapshot": review_obj.submission.snapshot,
        },
    )


# --- Moderation --------------------------------------------------------------------------------


@require_POST
def sample_draw(request: HttpRequest) -> HttpResponse:
    provider_ids = admin_provider_ids(request.user)
    if not provider_ids:
        raise PermissionDenied("Only programme administrators draw the sample.")
    form = forms.SampleForm(request.POST, editions=Edition.objects.filter(organisation_id__in=provider_ids))
    if not form.is_valid():
        messages.error(request, "Choose an edition.")
        return redirect("portfolios:provider_admin")
    try:
        sample = services.draw_sample(
            actor=request.user, edition=form.cleaned_data["edition"], seed=form.cleaned_data["seed"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
        return redirect("portfolios:provider_admin")
    messages.success(
        request, f"Sample drawn. Its random number is {sample.seed}: give it again to draw the same sample."
    )
    return redirect("portfolios:sample", pk=sample.pk)


@require_GET
def sample_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sample = fetch_sample(request.user, pk)
    items = sample.items.select_related(
        "review__reviewer",
        "review__submission__portfolio__enrolment__participant",
        "review__submission__portfolio__enrolment__cluster",
    )
    return render(
        request,
        "portfolios/sample_detail.html",
        {
            "sample": sample,
            "items": items,
            "outcome_choices": Outcome.choices,
            "can_finalise": not sample.finalised_at and all(i.settled for i in items),
        },
    )


@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """A sampled portfolio, anonymised: no participant or school names."""
    item = fetch_sample_item(request.user, pk)
    if not visible_sample_items(request.user).filter(pk=item.pk).exists():
        raise PermissionDenied("Only the external moderator records a verdict.")
    form = forms.ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate(
                actor=request.user,
                item=item,
                verdict=form.cleaned_data["verdict"],
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as exc:
            for m in _errors(exc):
                form.add_error(None, m)
        else:
            messages.success(request, f"Verdict recorded for {item.pseudonym}.")
            return redirect("portfolios:home")
    review_obj = item.review
    snapshot = dict(review_obj.submission.snapshot)
    snapshot.pop("participant", None)
    judgements = list(review_obj.module_judgements.select_related("module"))
    modules = list(Module.objects.filter(level_id=review_obj.submission.portfolio.enrolment.level_id))
    return render(
        request,
        "portfolios/moderate.html",
        {
            "item": item,
            "form": form,
            "review": review_obj,
            "snapshot": snapshot,
            "module_fields": [
                (group, None, None)
                for group in selectors.evidence_by_module(review_obj.submission, modules, judgements)
            ],
        },
    )


@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = fetch_sample_item(request.user, pk)
    if item.organisation_id not in admin_provider_ids(request.user):
        raise PermissionDenied("Only the programme administrator resolves disagreements.")
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve(actor=request.user, item=item, **form.cleaned_data)
            messages.success(request, f"{item.pseudonym} resolved.")
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
    else:
        messages.error(request, "Choose the final outcome and say why.")
    return redirect("portfolios:sample", pk=item.sample_id)


@require_http_methods(["GET", "POST"])
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    sample = fetch_sample(request.user, pk)
    if request.method == "POST":
        try:
            issued = services.finalise(actor=request.user, sample=sample, base_url=_base_url(request))
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
            return redirect("portfolios:sample", pk=sample.pk)
        messages.success(request, f"Outcomes are final. {len(issued)} certificate(s) issued.")
        return redirect("portfolios:sample", pk=sample.pk)
    return render(
        request,
        "portfolios/confirm.html",
        {
            "title": "Make the outcomes final?",
            "body": "Every reviewed portfolio of this edition gets its final outcome and satisfactory ones are "
            "certified. This cannot be undone.",
            "button": "Make outcomes final",
            "cancel": reverse("portfolios:sample", args=[sample.pk]),
        },
    )


# --- Certificates ------------------------------------------------------------------------------


@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cert = fetch_certificate(request.user, pk)
    pdf = certificates.render_pdf(
        cert, verify_url=request.build_absolute_uri(reverse("portfolios:verify", args=[cert.code]))
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.code}.pdf"'
    return response


@require_GET
def certificate_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The OB3 credential as JSON for the holder's wallet or backpack: the signed VC-JWT in a VC 2.0
    EnvelopedVerifiableCredential (`?format=jwt` gives the bare compact JWT)."""
    cert = fetch_certificate(request.user, pk)
    if request.GET.get("format") == "jwt":
        response = HttpResponse(cert.credential_jwt, content_type="application/vc+jwt")
        response["Content-Disposition"] = f'attachment; filename="credential-{cert.code}.jwt"'
        return response
    response = JsonResponse(credentials.enveloped(cert.credential_jwt), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="credential-{cert.code}.json"'
    return response


@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    cert = fetch_certificate(request.user, pk, manage=True)
    form = forms.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_certificate(
                actor=request.user, certificate=cert, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
        else:
            messages.success(request, f"Certificate {cert.code} revoked.")
        return redirect("portfolios:provider_admin")
    return render(request, "portfolios/revoke.html", {"certificate": cert, "form": form})


# --- Public verification (no sign-in) ---------------------------------------------------------


@login_not_required
@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    form = forms.VerifyLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("portfolios:verify", code=form.cleaned_data["code"])
    return render(request, "portfolios/verify_lookup.html", {"form": form})


@login_not_required
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    cert = Certificate.objects.filter(code=normalise_code(code)).select_related("organisation").first()
    if cert is None:
        return render(request, "portfolios/verify_unknown.html", {"code": code}, status=404)
    others = Certificate.objects.filter(
        holder_id=cert.holder_id, qualification=cert.qualification, revoked_at__isnull=True
    ).exclude(pk=cert.pk)
    levels = (
        sorted({cert.level_number} | {c.level_number for c in others})
        if cert.is_valid
        else [cert.level_number]
    )
    return render(
        request,
        "portfolios/verify.html",
        {
            "certificate": cert,
            "levels": levels,
            "both_levels": levels == [1, 2],
            "credential_url": reverse("portfolios:credential_public", args=[cert.code]),
        },
    )


@login_not_required
@require_GET
def credential_public(request: HttpRequest, code: str) -> HttpResponse:
    """The credential's own URL (its id): its status and the signed credential (enveloped VC-JWT)."""
    cert = get_object_or_404(Certificate, code=normalise_code(code))
    return JsonResponse(
        {
            "id": request.build_absolute_uri(),
            "status": "revoked" if cert.revoked_at else "valid",
            "credential": credentials.enveloped(cert.credential_jwt),
        }
    )


@login_not_required
@require_GET
def public_status_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider's Bitstring Status List credential (VC-JWT), the revocation source for every credential."""
    provider = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.PROVIDER)
    token = services.status_list_jwt(provider=provider, base_url=_base_url(request))
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Cache-Control"] = "max-age=300"
    return response


@login_not_required
@require_GET
def public_issuer(request: HttpRequest, slug: str) -> HttpResponse:
    """The issuer profile with its public key, so anyone can check a credential's signature."""
    provider = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.PROVIDER)
    key = services.signing_key(provider)
    return JsonResponse(
        {
            "id": request.build_absolute_uri(),
            "type": ["Profile"],
            "name": provider.name,
            "publicKeyPem": key.public_pem,
        },
        json_dumps_params={"indent": 2},
    )


# --- Evaluation --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, is_participant)
    form = forms.EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_evaluation(actor=request.user, portfolio=portfolio, answers=form.cleaned_data)
        except ValidationError as exc:
            for m in _errors(exc):
                form.add_error(None, m)
        else:
            messages.success(request, "Thank you for your evaluation.")
            return redirect("portfolios:portfolio", pk=portfolio.pk)
    return render(request, "portfolios/evaluation.html", {"portfolio": portfolio, "form": form})


@require_GET
def evaluation_summary(request: HttpRequest) -> HttpResponse:
    provider_ids = admin_provider_ids(request.user)
    if not provider_ids:
        raise PermissionDenied("Only programme administrators see the evaluation summary.")
    return render(
        request, "portfolios/evaluation_summary.html", {"summary": selectors.evaluation_summary(provider_ids)}
    )
