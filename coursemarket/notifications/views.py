from __future__ import annotations

import base64
import json

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .models import OPTIONAL_PREFERENCE, Category, OutboxMessage, OutboxStatus
from .selectors import outbox_messages
from .services import (
    outbox_retry,
    push_subscription_delete,
    push_subscription_save,
    read_unsubscribe_token,
    unsubscribe,
)


@staff_member_required
@require_http_methods(["GET"])
def mailbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(outbox_messages(status=status, query=query), 50).get_page(request.GET.get("page"))
    counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
    statuses = [(value, label, counts.get(value, 0)) for value, label in OutboxStatus.choices]
    return render(
        request, "notifications/mailbox/list.html", {"page": page, "status": status, "q": query, "statuses": statuses}
    )


@staff_member_required
@require_http_methods(["GET"])
def mailbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    attachments = [
        {"index": i, **item, "size": len(item["content"]) * 3 // 4} for i, item in enumerate(message.attachments)
    ]
    return render(request, "notifications/mailbox/detail.html", {"message": message, "attachments": attachments})


@staff_member_required
@xframe_options_sameorigin
@require_http_methods(["GET"])
def mailbox_html(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    response = HttpResponse(message.html_body or "", content_type="text/html; charset=utf-8")
    # The email is shown as its reader would see it: no scripts, no same-origin access.
    response["Content-Security-Policy"] = "sandbox allow-popups allow-popups-to-escape-sandbox; img-src * data:"
    return response


@staff_member_required
@require_http_methods(["GET"])
def mailbox_attachment(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    if index >= len(message.attachments):
        raise Http404
    item = message.attachments[index]
    response = HttpResponse(base64.b64decode(item["content"]), content_type=item["mimetype"])
    response["Content-Disposition"] = f'attachment; filename="{item["filename"]}"'
    return response


@staff_member_required
@require_POST
def mailbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    if outbox_retry(message=message):
        messages.success(request, _("The message is queued again."))
    else:
        messages.error(request, _("Only a failed message can be sent again."))
    return redirect("mailbox:detail", pk=pk)


@csrf_exempt  # RFC 8058: mail clients POST without a session; the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    parsed = read_unsubscribe_token(token)
    if parsed is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    user_id, category = parsed
    label = Category(category).label
    if request.method == "POST":
        unsubscribe(user_id=user_id, category=category)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(
        request,
        "notifications/unsubscribe.html",
        {"label": label, "token": token, "field": OPTIONAL_PREFERENCE[category]},
    )


# --- Web Push subscriptions (the settings page's "Turn on" button) -------------


def _b64_length(text: object) -> int:
    if not isinstance(text, str) or not text or len(text) > 200:
        return -1
    try:
        return len(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError:
        return -1


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Save this browser's push subscription (PushSubscription.toJSON())."""
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    keys = data.get("keys") if isinstance(data, dict) else None
    valid = (
        isinstance(endpoint, str)
        and len(endpoint) <= 1000
        and endpoint.startswith("https://")
        and isinstance(keys, dict)
        and _b64_length(keys.get("p256dh")) == 65
        and _b64_length(keys.get("auth")) == 16
    )
    if not valid:
        return JsonResponse({"error": _("This browser's subscription could not be read.")}, status=400)
    assert isinstance(endpoint, str) and isinstance(keys, dict)
    push_subscription_save(
        user=request.user,
        endpoint=endpoint,
        p256dh=keys["p256dh"],
        auth=keys["auth"],
        label=request.headers.get("User-Agent", "")[:200],
    )
    return JsonResponse({"ok": True, "message": _("Push notifications are on for this browser.")})


@login_required
@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        return JsonResponse({"error": _("This browser's subscription could not be read.")}, status=400)
    push_subscription_delete(user=request.user, endpoint=endpoint)
    return JsonResponse({"ok": True, "message": _("Push notifications are off for this browser.")})
