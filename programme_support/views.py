"""Screens for course materials and questions: thin views over services (writes) and selectors (reads); every
object fetched through access.permissions.get_for_user (404 outside reach, 403 without the right)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import get_for_user, has_role, refusal
from access.roles import Role
from core.forms import apply_validation_error
from core.uploads import download_response
from programme_support import forms, selectors, services
from programme_support import permissions as perms
from programme_support.models import MessageAttachment, Question, Resource
from qualifications import permissions as qual_perms
from qualifications.models import Edition

SUPPORT_ROLES = {Role.PARTICIPANT, Role.MENTOR, Role.PROGRAMME_ADMIN, Role.FACILITATOR}


def _edition(request: HttpRequest, pk: int, check: Any) -> Edition:
    return get_for_user(
        request.user,
        Edition.objects.select_related("programme", "academic_year"),
        check,
        visible=perms.provider_reach_q(request.user),
        pk=pk,
    )


def _resource(request: HttpRequest, pk: int, check: Any) -> Resource:
    return get_for_user(
        request.user,
        Resource.objects.select_related("edition", "module", "training_day"),
        check,
        visible=perms.provider_reach_q(request.user),
        pk=pk,
    )


def _question(request: HttpRequest, pk: int, check: Any = perms.can_view_question) -> Question:
    return get_for_user(
        request.user,
        Question.objects.select_related(
            "asked_by",
            "provider",
            "enrolment__participant",
            "enrolment__mentor",
            "enrolment__edition__programme",
        ),
        check,
        visible=perms.question_reach_q(request.user),
        pk=pk,
    )


# --- Home -------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The editions whose materials the user may open (with what is new), and the questions they may read;
    for a programme administrator, those waiting too long for an answer (`?show=waiting`)."""
    user = request.user
    if not has_role(user, SUPPORT_ROLES):
        raise PermissionDenied(
            "Course materials and questions are for participants, mentors and the provider."
        )
    days = selectors.unanswered_days()
    show = request.GET.get("show", "open")
    questions = selectors.visible_questions(user)
    if show == "waiting":
        questions = selectors.awaiting_answer(user, days=days)
    elif show != "all":
        show, questions = "open", questions.filter(closed_at__isnull=True)
    new = {row.edition.pk: row.count for row in selectors.new_since_last_visit(user)}
    return render(
        request,
        "programme_support/home.html",
        {
            "editions": [(e, new.get(e.pk, 0)) for e in selectors.library_editions(user)],
            "page_obj": Paginator(questions, 25).get_page(request.GET.get("page")),
            "querystring_prefix": f"show={show}&",
            "show": show,
            "days": days,
            "is_admin": bool(qual_perms.admin_provider_ids(user)),
            "can_ask": perms.askable_enrolments(user).exists(),
            "waiting_count": selectors.awaiting_answer(user, days=days).count(),
        },
    )


# --- Course materials -------------------------------------------------------------------------


@require_GET
def library(request: HttpRequest, pk: int) -> HttpResponse:
    """An edition's course materials as this user may see them, new ones marked; opening it records the visit."""
    edition = _edition(request, pk, perms.can_view_library)
    since = selectors.last_visit(request.user, edition)
    sections = selectors.library(request.user, edition, since)
    services.visit_record(user=request.user, edition=edition)
    removable = {r.pk for s in sections for r in s.resources if perms.can_remove_resource(request.user, r)}
    return render(
        request,
        "programme_support/library.html",
        {
            "edition": edition,
            "sections": sections,
            "since": since,
            "removable": removable,
            "can_add": perms.can_add_resources(request.user, edition),
        },
    )


@require_http_methods(["GET", "POST"])
def resource_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme administrator or a facilitator adds a link or a file."""
    edition = _edition(request, pk, perms.can_add_resources)
    form = forms.ResourceForm(request.POST or None, request.FILES or None, edition=edition, user=request.user)
    if request.method == "POST" and form.is_valid():
        module, training_day = form.scope_objects()
        try:
            resource = services.resource_add(
                actor=request.user,
                edition=edition,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                url=form.cleaned_data["url"],
                upload=form.cleaned_data["file"],
                module=module,
                training_day=training_day,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"“{resource.title}” is added to the course materials.")
            return redirect("programme_support:library", pk=edition.pk)
    return render(request, "programme_support/resource_form.html", {"edition": edition, "form": form})


@require_GET
def resource_open(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Open a material: a file as a download (never inline), a link by redirection, after the permission check."""
    resource = _resource(request, pk, perms.can_view_resource)
    if resource.kind == Resource.Kind.LINK:
        return redirect(resource.url)
    return download_response(
        resource.file, filename=resource.original_name, content_type=resource.content_type
    )


@require_http_methods(["GET", "POST"])
def resource_remove(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource(request, pk, perms.can_remove_resource)
    if request.method == "POST":
        services.resource_remove(actor=request.user, resource=resource)
        messages.success(request, f"“{resource.title}” is removed.")
        return redirect("programme_support:library", pk=resource.edition_id)
    return render(request, "programme_support/resource_remove.html", {"resource": resource})


# --- Questions --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest) -> HttpResponse:
    """A participant or mentor asks the provider about a place."""
    if not perms.askable_enrolments(request.user).exists():
        raise PermissionDenied("Only a participant or mentor with a place can ask the provider a question.")
    form = forms.QuestionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(
                actor=request.user,
                enrolment=form.cleaned_data["enrolment"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Your question is sent. You will be e-mailed when it is answered.")
            return redirect("programme_support:question", pk=question.pk)
    return render(request, "programme_support/question_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The thread, and a reply."""
    question = _question(request, pk)
    form = forms.ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_reply(
                actor=request.user,
                question=question,
                body=form.cleaned_data["body"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Your reply is sent.")
            return redirect("programme_support:question", pk=question.pk)
    return render(
        request,
        "programme_support/question_detail.html",
        {
            "question": question,
            "thread": question.messages.select_related("author").prefetch_related("attachments"),
            "form": form,
            "answers_for_provider": perms.answers_for_provider(request.user, question),
            "can_close": question.is_open and perms.can_close_question(request.user, question),
        },
    )


@require_POST
def question_close(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk, perms.can_close_question)
    try:
        services.question_close(actor=request.user, question=question)
        messages.success(request, "The question is closed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("programme_support:question", pk=question.pk)


@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file sent with a message: only to those who may read the thread, always as a download."""
    found = MessageAttachment.objects.filter(pk=pk).select_related("message").first()
    if found is None:
        raise refusal(Http404("No attachment found."), model=MessageAttachment, reason="not found", pk=pk)
    _question(request, found.message.question_id)
    return download_response(found.file, filename=found.original_name, content_type=found.content_type)
