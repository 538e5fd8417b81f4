"""Provider webhooks (language-neutral address, no session, no CSRF: the
signature on the raw body is the authentication)."""

from __future__ import annotations

import json
import logging

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import ProviderName
from .services import webhook_event_receive

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    payload = request.body
    try:
        stripe.Webhook.construct_event(
            payload, request.headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET
        )
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError):
        log.warning("stripe webhook refused: bad payload or signature")
        return HttpResponse(status=400)
    if not isinstance(event, dict) or "id" not in event:
        return HttpResponse(status=400)
    outcome = webhook_event_receive(provider=ProviderName.STRIPE, event=event)
    return JsonResponse({"received": True, "outcome": outcome})
