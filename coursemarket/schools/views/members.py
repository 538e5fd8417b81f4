"""Members and invitations: inviting, revoking, resending, roles, removal,
and the invitee's side (accept or decline)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import InvitationForm, RoleForm
from ..models import Invitation
from ..permissions import Perm, roles_inviter_may_grant
from ..selectors import SchoolAccess
from ..services.members import invitation_url
from .staff import attach_errors, render_dashboard, staff_view


def _members_page(
    request: HttpRequest, access: SchoolAccess, invite_form: InvitationForm | None = None, status: int = 200
) -> HttpResponse:
    roles = roles_inviter_may_grant(access.role)
    invitations = [
        {
            "invitation": invitation,
            "url": invitation_url(invitation),
            "manageable": invitation.role in roles,
        }
        for invitation in selectors.school_invitations(school=access.school)
    ]
    context = {
        "members": list(selectors.school_members(school=access.school)),
        "invitations": invitations,
        "invite_form": invite_form or InvitationForm(roles=roles),
        "can_manage_members": access.can(Perm.MANAGE_MEMBERS),
        "role_choices": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
    }
    return render_dashboard(
        request, access, "schools/dashboard/members.html", context, section="members", status=status
    )


@staff_view(Perm.INVITE_INSTRUCTORS)
def members(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    return _members_page(request, access)


@require_POST
@staff_view(Perm.INVITE_INSTRUCTORS)
def invite(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    form = InvitationForm(request.POST, roles=roles_inviter_may_grant(access.role))
    if form.is_valid():
        profile_id = form.cleaned_data.get("instructor_id")
        profile = selectors.school_instructor(school=access.school, instructor_id=profile_id) if profile_id else None
        try:
            invitation = services.invitation_create(
                actor=request.user,
                school=access.school,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                instructor=profile,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. You can also copy the link below and send it yourself.")
                % {"email": invitation.email},
            )
            return redirect("schools:members", slug=access.school.slug)
    return _members_page(request, access, form, status=400)


@require_POST
@staff_view(Perm.INVITE_INSTRUCTORS)
def invitation_revoke(request: HttpRequest, access: SchoolAccess, invitation_id: int) -> HttpResponse:
    invitation = selectors.school_invitation(school=access.school, invitation_id=invitation_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("schools:members", slug=access.school.slug)


@require_POST
@staff_view(Perm.INVITE_INSTRUCTORS)
def invitation_resend(request: HttpRequest, access: SchoolAccess, invitation_id: int) -> HttpResponse:
    invitation = selectors.school_invitation(school=access.school, invitation_id=invitation_id)
    try:
        services.invitation_resend(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A new invitation link was sent to %(email)s.") % {"email": invitation.email})
    return redirect("schools:members", slug=access.school.slug)


@require_POST
@staff_view(Perm.MANAGE_MEMBERS)
def member_role(request: HttpRequest, access: SchoolAccess, membership_id: int) -> HttpResponse:
    membership = selectors.school_member(school=access.school, membership_id=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("schools:members", slug=access.school.slug)
    try:
        services.membership_change_role(actor=request.user, membership=membership, role=form.cleaned_data["role"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s's role is updated.") % {"name": membership.user.name})
    return redirect("schools:members", slug=access.school.slug)


@require_POST
@staff_view(Perm.MANAGE_MEMBERS)
def member_remove(request: HttpRequest, access: SchoolAccess, membership_id: int) -> HttpResponse:
    membership = selectors.school_member(school=access.school, membership_id=membership_id)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("schools:members", slug=access.school.slug)
    messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user.name})
    if membership.user_id == request.user.pk:
        return redirect("schools:my_schools")
    return redirect("schools:members", slug=access.school.slug)


# --- The invitee's side -----------------------------------------------------------


def _invitation_problem(invitation: Invitation) -> str:
    status = invitation.status
    if status == Invitation.Status.REVOKED:
        return _("This invitation was withdrawn by the school.")
    if status in (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED):
        return _("This invitation has already been used.")
    if status == Invitation.Status.EXPIRED:
        return _("This invitation has expired. Ask the school to send you a new one.")
    return ""


def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email. Anyone with the link sees whom it is for; only
    that person, signed in, can answer it."""
    invitation = selectors.invitation_by_token(token=token)
    here = request.get_full_path()
    signed_in = request.user.is_authenticated
    context = {
        "invitation": invitation,
        "school": invitation.school,
        "problem": _invitation_problem(invitation),
        "email_matches": signed_in and invitation.email.lower() in selectors.user_emails(request.user),
        "already_member": signed_in and selectors.membership_for(user=request.user, school=invitation.school),
        "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
        "logout_url": f"{reverse('account_logout')}?{urlencode({'next': here})}",
    }
    status = 410 if context["problem"] else 200
    return render(request, "schools/invitation.html", context, status=status)


@require_POST
def invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token=token)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': invitation_url_path(invitation)})}")
    accept = request.POST.get("answer") == "accept"
    try:
        if accept:
            services.invitation_accept(user=request.user, invitation=invitation)
        else:
            services.invitation_decline(user=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("schools:invitation_detail", token=token)
    if accept:
        messages.success(request, _("Welcome to %(school)s!") % {"school": invitation.school.name})
        return redirect("schools:dashboard", slug=invitation.school.slug)
    messages.info(request, _("You declined the invitation from %(school)s.") % {"school": invitation.school.name})
    return redirect("schools:my_schools")


def invitation_url_path(invitation: Invitation) -> str:
    return reverse("schools:invitation_detail", kwargs={"token": invitation.token})
