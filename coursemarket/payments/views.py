"""Provider webhooks: one generic view, the provider named in the address.
Language-neutral, no session, no CSRF: each provider verifies its own
signature on the raw body (PaymentProvider.parse_webhook)."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .providers import PROVIDERS, WebhookRejectedError
from .services import webhook_event_receive

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    impl = PROVIDERS.get(provider)
    if impl is None or not impl.takes_webhooks:
        raise Http404
    try:
        notice = impl.parse_webhook(body=request.body, headers=request.headers)
    except WebhookRejectedError as error:
        log.warning("%s webhook refused: %s", provider, error)
        return JsonResponse({"received": False, "error": "invalid event"}, status=400)
    outcome = webhook_event_receive(provider=provider, notice=notice)
    return JsonResponse({"received": True, "outcome": outcome})
