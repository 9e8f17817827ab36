from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import services
from access.forms import RoleAssignForm
from access.models import RoleAssignment
from access.permissions import get_for_user, has_role, requires_two_factor
from access.roles import IMPORT_ROLES, Role
from accounts.forms import ResetSecondFactorForm
from accounts.models import EnrolmentLink
from accounts.selectors import second_factor_status
from accounts.services import enrolment_link_send
from accounts.services import second_factor_reset as reset_second_factor
from core.forms import apply_validation_error
from core.http import HtmxHttpRequest
from people.models import StaffMember

STAFF_MANAGERS = IMPORT_ROLES  # the school administrator keeps staff and roles, as they keep the MIS data
STAFF_READERS = STAFF_MANAGERS | {Role.SENIOR_LEADER}


def _can_manage(user, obj) -> bool:  # type: ignore[no-untyped-def]
    return has_role(user, STAFF_MANAGERS, obj.organisation_id)


@require_GET
def staff_list(request: HtmxHttpRequest) -> HttpResponse:
    """The current organisation's staff and the roles they hold."""
    organisation = request.organisation
    if organisation is None:
        raise Http404("You belong to no organisation.")
    if not has_role(request.user, STAFF_READERS, organisation.pk):
        raise PermissionDenied("Only administrators and senior leaders see the staff list.")
    query = request.GET.get("q", "").strip()
    staff = (
        StaffMember.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__role_assignments",
                queryset=RoleAssignment.objects.current()
                .filter(organisation=organisation)
                .select_related("group", "site"),
                to_attr="current_roles",
            )
        )
    )
    if query:
        staff = staff.filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(user__email__icontains=query)
        )
    page = Paginator(staff, 40).get_page(request.GET.get("page"))
    return render(
        request,
        "access/staff_list.html",
        {
            "page_obj": page,
            "q": query,
            "can_manage": has_role(request.user, STAFF_MANAGERS, organisation.pk),
            "querystring_prefix": f"q={query}&" if query else "",
        },
    )


@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, staff_pk: int) -> HttpResponse:
    member = get_for_user(
        request.user, StaffMember.objects.select_related("user", "organisation"), _can_manage, pk=staff_pk
    )
    form = RoleAssignForm(request.POST or None, organisation=member.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assign(
                actor=request.user, organisation=member.organisation, user=member.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{member} is now {Role(form.cleaned_data['role']).label.lower()}.")
            return redirect("access:staff_list")
    return render(request, "access/role_add.html", {"member": member, "form": form})


@require_POST
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_for_user(request.user, RoleAssignment.objects.select_related("user"), _can_manage, pk=pk)
    services.role_end(actor=request.user, assignment=assignment)
    messages.success(request, f"Ended: {assignment}.")
    return redirect("access:staff_list")


# --- A member of staff's second factor: the school administrator sends enrolment links and resets --------------


def _staff_member(request: HttpRequest, staff_pk: int) -> StaffMember:
    return get_for_user(
        request.user, StaffMember.objects.select_related("user", "organisation"), _can_manage, pk=staff_pk
    )


@require_GET
def second_factor(request: HttpRequest, staff_pk: int) -> HttpResponse:
    """A member of staff's second factor as their administrator sees it (never the key or the link itself)."""
    member = _staff_member(request, staff_pk)
    return render(
        request,
        "access/second_factor.html",
        {
            "member": member,
            "status": second_factor_status(member.user),
            "needs_two_factor": requires_two_factor(member.user),
            "reset_form": ResetSecondFactorForm(),
        },
    )


@require_POST
def second_factor_link(request: HttpRequest, staff_pk: int) -> HttpResponse:
    """E-mail the member of staff a link to set up their authenticator app (to their own address only)."""
    member = _staff_member(request, staff_pk)
    try:
        enrolment_link_send(
            user=member.user,
            reason=EnrolmentLink.Reason.ADMINISTRATOR,
            actor=request.user,  # type: ignore[arg-type]
            organisation_id=member.organisation_id,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"An enrolment link is on its way to {member.user.email}.")
    return redirect("access:second_factor", staff_pk=member.pk)


@require_POST
def second_factor_reset(request: HttpRequest, staff_pk: int) -> HttpResponse:
    """Remove the member of staff's authenticator apps and recovery codes, and e-mail them a new enrolment link."""
    member = _staff_member(request, staff_pk)
    form = ResetSecondFactorForm(request.POST)
    if form.is_valid():
        try:
            reset_second_factor(
                actor=request.user,  # type: ignore[arg-type]
                user=member.user,
                organisation=member.organisation,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{member}'s second factor is reset: their old authenticator app and recovery codes no longer "
                f"work, and a new enrolment link is on its way to {member.user.email}.",
            )
            return redirect("access:second_factor", staff_pk=member.pk)
    return render(
        request,
        "access/second_factor.html",
        {
            "member": member,
            "status": second_factor_status(member.user),
            "needs_two_factor": requires_two_factor(member.user),
            "reset_form": form,
        },
        status=400,
    )
