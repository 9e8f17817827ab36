"""The documents beside a plan: the IEP and others, the pupil's Communication Passport, the between-reviews
checklist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import can_view_pupil, get_for_user
from audit.services import record_read
from core.uploads import download_response
from people.models import Pupil
from support_plans.forms import ActionForm, DocumentForm, PassportForm
from support_plans.models import CommunicationPassport, PlanAction, PlanDocument
from support_plans.services import documents
from support_plans.views.common import back, form_page, part_for, plan_for, saved


@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep the IEP (or another document) beside the plan."""
    plan = plan_for(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if saved(
        request,
        form,
        lambda data: documents.document_add(
            actor=request.user, plan=plan, kind=data["kind"], title=data["title"], upload=data["file"]
        ),
    ):
        messages.success(request, "The document is kept with the plan.")
        return redirect(back(plan.pk, "documents"))
    return form_page(request, plan, form, "Add a document", button="Upload", multipart=True)


@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """Served only here, after the permission check, always as a download; every opening is audited."""
    document = part_for(request, PlanDocument, pk, edit=False)
    record_read(actor=request.user, obj=document, note="support plan document")
    return download_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = part_for(request, PlanDocument, pk)
    if request.method == "POST":
        documents.document_delete(actor=request.user, document=document)
        messages.success(request, f"“{document}” is removed.")
        return redirect(back(document.plan_id, "documents"))
    return render(
        request, "support_plans/document_delete.html", {"plan": document.plan, "document": document}
    )


@require_http_methods(["GET", "POST"])
def passport_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the pupil's Communication Passport with them: a page for every adult who teaches them."""
    plan = plan_for(request, pk)
    found = CommunicationPassport.objects.filter(pupil_id=plan.pupil_id).first()
    initial = {f: getattr(found, f) for f in PassportForm.base_fields} if found else None
    form = PassportForm(request.POST or None, initial=initial)
    if saved(request, form, lambda data: documents.passport_save(actor=request.user, plan=plan, **data)):
        messages.success(
            request, "The Communication Passport is saved; the pupil's teachers see it on the profile."
        )
        return redirect(back(plan.pk, "documents"))
    return form_page(
        request,
        plan,
        form,
        "Communication Passport",
        "Write it with the pupil, in their words where you can. Everyone who teaches the pupil sees it on the "
        "pupil's profile.",
    )


@require_GET
def passport_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The passport on one printable page, for anyone who may see the pupil."""
    pupil = get_for_user(request.user, Pupil.objects.all(), can_view_pupil, pk=pk)
    passport = get_for_user(
        request.user, CommunicationPassport.objects.select_related("updated_by"), pupil=pupil
    )
    record_read(actor=request.user, obj=passport, note="communication passport")
    return render(request, "support_plans/passport_print.html", {"pupil": pupil, "passport": passport})


@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Agree an action between reviews."""
    plan = plan_for(request, pk)
    form = ActionForm(request.POST or None, organisation=plan.organisation)
    if saved(request, form, lambda data: documents.action_add(actor=request.user, plan=plan, **data)):
        messages.success(request, "The action is on the checklist.")
        return redirect(back(plan.pk, "checklist"))
    return form_page(request, plan, form, "Add an action to the checklist", button="Add the action")


@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = part_for(request, PlanAction, pk)
    try:
        documents.action_done(actor=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{action.description}” is ticked off.")
    return redirect(back(action.plan_id, "checklist"))
