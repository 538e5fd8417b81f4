"""Background work for schools: the invitation email.

Enqueued with transaction.on_commit by services.invitation_create. The
notifications issue replaces this with the outbox (a row written in the same
transaction, delivered idempotently by the worker)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Invitation


def invitation_url(invitation: Invitation) -> str:
    with translation.override(invitation.language):
        path = reverse("schools:invitation_detail", kwargs={"token": invitation.token})
    return f"{settings.SITE_URL}{path}"


@task
def send_invitation_email(invitation_id: int) -> str:
    invitation = Invitation.objects.select_related("school", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return "skipped"
    context = {
        "invitation": invitation,
        "school": invitation.school,
        "inviter": invitation.invited_by.name if invitation.invited_by else invitation.school.name,
        "url": invitation_url(invitation),
        "SITE_NAME": "Coursemarket",
    }
    with translation.override(invitation.language):
        subject = render_to_string("schools/email/invitation_subject.txt", context).strip()
        body = render_to_string("schools/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return "sent"
