"""What a student reads when a payment fails: the provider's decline code
mapped to our own translated words (providers answer in English)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DECLINE_MESSAGES: dict[str, Promise] = {
    "card_declined": _("Your card was declined. Nothing was charged. Try another card or ask your bank."),
    "insufficient_funds": _("Your card has insufficient funds. Nothing was charged. Try another card."),
    "expired_card": _("Your card has expired. Try another card."),
    "incorrect_cvc": _("The card's security code is wrong. Check it and try again."),
    "incorrect_number": _("The card number is wrong. Check it and try again."),
    "processing_error": _("The card could not be processed. Nothing was charged; please try again."),
    "payment_intent_authentication_failure": _(
        "The card's security check was not completed, so nothing was charged. Try again or use another card."
    ),
    "provider_error": _("We could not reach the payment service. Nothing was charged; please try again."),
    "canceled": _("This payment attempt was stopped. Nothing was charged."),
    "transfer_deadline": _("The bank transfer did not arrive before its deadline."),
}
DEFAULT_MESSAGE = _("The payment did not go through and nothing was charged. Try another card.")


def failure_text(code: str) -> str:
    return str(DECLINE_MESSAGES.get(code, DEFAULT_MESSAGE))
