from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import ngettext

from coursemarket.compare.services import tray_merge_on_sign_in
from coursemarket.core.clientip import client_ip
from coursemarket.notifications.models import Category
from coursemarket.notifications.rendering import language_for, render_message, zone_for
from coursemarket.notifications.services import absolute_url, address_verified, notify_rendered
from coursemarket.promotions.referrals import referral_attach

from .lockout import device_tokens, failed_sign_in_key, remember_device
from .middleware import browser_zone
from .models import User
from .services import SECURITY_EVENTS, security_event_record, sign_in_record, user_signup_complete

SITE_NAME = "Coursemarket"

# allauth's messages that prove an address (they may go to one not yet
# verified); every other allauth message is a security notice.
VERIFICATION_TEMPLATES = frozenset(
    {
        "account/email/email_confirmation",
        "account/email/email_confirmation_signup",
        "account/email/email_confirm",
        "account/email/password_reset_key",
        "account/email/password_reset_code",
        "account/email/login_code",
        "account/email/unknown_account",
        "account/email/account_already_exists",
    }
)
# Our HTML layout around allauth's plain-text messages.
WRAPPED_TEMPLATE = "account/email/wrapped"


def in_language(url: str, language: str) -> str:
    """`url` moved under `language`'s prefix (/en/account/ → /es/account/)."""
    if language not in dict(settings.LANGUAGES):
        return url
    return translate_url(url, language)


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(Literal["Lax", "Strict", "None", False] | None, settings.LANGUAGE_COOKIE_SAMESITE),
    )


class AccountAdapter(DefaultAccountAdapter):
    """Coursemarket's hooks into allauth: the person's language after sign-in,
    what sign-up records, e-mails that name the site, and the audit trail for
    security events."""

    def save_user(self, request: HttpRequest, user: AbstractBaseUser, form: BaseForm, commit: bool = True) -> Any:
        if isinstance(user, User):
            user.display_name = (form.cleaned_data.get("display_name") or "").strip()[:80]
        saved = super().save_user(request, user, form, commit=commit)
        if commit and isinstance(saved, User):
            zone = browser_zone(request)
            user_signup_complete(
                user=saved,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                timezone=zone.key if zone else "",
            )
            self._attach_referral(request, saved)
        return saved

    @staticmethod
    def _attach_referral(request: HttpRequest, user: User) -> None:
        """A friend's invite kept in this browser's session (promotions.referrals)
        becomes the new account's referral; refused when this browser signed in
        to the friend's account before (the device cookie)."""
        session = getattr(request, "session", None)
        if session is None:
            return
        others = {int(key) for key in device_tokens(request) if key.isdigit() and int(key) != user.pk}
        referral_attach(user=user, session=session, device_user_ids=others)

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse:
        """After sign-in the site speaks the person's language: their language's
        cookie is set and the redirect lands under their language's prefix.

        allauth words its "Successfully signed in as …" message here, while
        the sign-in page's language is active; the page that shows it is in
        the person's language, so the message is worded in that one."""
        language = getattr(user, "language", "")
        if language in dict(settings.LANGUAGES):
            with translation.override(language):
                response = super().post_login(request, user, **kwargs)
        else:
            response = super().post_login(request, user, **kwargs)
        if isinstance(user, User):
            self._record_sign_in(request, user)
            self._attach_referral(request, user)  # an invite followed before signing in (or up)
            remember_device(request, response, user)
            # Courses chosen to compare before signing in join the account's.
            left_out = tray_merge_on_sign_in(user=user, session=request.session)
            if left_out:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d course you chose could not join your comparison: it already holds four.",
                        "%(count)d courses you chose could not join your comparison: it already holds four.",
                        left_out,
                    )
                    % {"count": left_out},
                )
        if language in dict(settings.LANGUAGES):
            location = response.get("Location")
            if location and not urlsplit(location).netloc:
                response["Location"] = in_language(location, language)
            set_language_cookie(response, language)
        return response

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth's per-account limit on failed sign-ins, except for a browser
        that signed in to the account before: its failures count against its
        own device cookie, so a stranger's cannot lock the owner out
        (accounts/lockout.py)."""
        account_key = self._get_login_attempts_cache_key(request, **credentials)
        login = credentials.get("email", credentials.get("username", "")) or ""
        key = failed_sign_in_key(request, login=login, account_key=account_key)
        self._login_failed_rl_usage = ratelimit.consume(request, app="allauth.account", action="login_failed", key=key)
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def _record_sign_in(self, request: HttpRequest, user: User) -> None:
        """A sign-in from a browser the person has not used before is told to
        them by email (not the very first one)."""
        try:
            ip = self.get_client_ip(request)
        except PermissionDenied:
            ip = ""
        sign_in_record(user=user, user_agent=self.get_http_user_agent(request), ip=ip)

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits count per address: the same address audit
        entries and known devices record (TRUSTED_PROXIES, core/clientip.py)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails are not sent here: they are rendered in the
        recipient's language and time zone and written to the outbox, which
        the worker delivers."""
        # Without django.contrib.sites allauth would call the site by its host name.
        domain = urlsplit(settings.SITE_URL).netloc
        request = getattr(self, "request", None)
        if request is not None:
            domain = request.get_host()
        recipient = self._recipient(email, context)
        context = {
            "request": request,
            "email": email,
            "current_site": SimpleNamespace(name=SITE_NAME, domain=domain),
            **context,
        }
        category = Category.VERIFICATION if template_prefix in VERIFICATION_TEMPLATES else Category.SECURITY
        language = language_for((recipient.language if recipient else "") or translation.get_language())
        # allauth built its links in the language of the request; the email
        # and the pages it links to are in the recipient's.
        for key, value in list(context.items()):
            if key.endswith("_url") and isinstance(value, str) and value:
                context[key] = in_language(value, language)
        zone = recipient.timezone if recipient else "UTC"
        with translation.override(language), timezone.override(zone_for(zone)):
            message = self.render_mail(template_prefix, email, context)
            subject, text, html = self._parts(message, recipient=recipient, category=category, language=language)
        recipient_row = recipient
        if (
            template_prefix == "account/email/email_changed"
            and email == context.get("from_email")
            and recipient is not None
            and not address_verified(recipient, email)
        ):
            # "Your address was changed" goes to the address just replaced
            # (allauth removed it a moment ago): it was the person's verified
            # address until this change, and its owner must hear of it.
            recipient_row = None
        notify_rendered(
            event=template_prefix.replace("/email/", "."),
            dedup_key=f"allauth:{uuid.uuid4()}",  # each call is one event; a resend is a new one
            category=category,
            to_email=email,
            subject=subject,
            text=text,
            html=html,
            recipient=recipient_row,
            language=language,
        )

    @staticmethod
    def _recipient(email: str, context: dict[str, Any]) -> User | None:
        user = context.get("user")
        if isinstance(user, User):
            return user
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        if address is not None and isinstance(address.user, User):
            return address.user
        return User.objects.filter(email__iexact=email).first()

    @staticmethod
    def _parts(message: Any, *, recipient: User | None, category: str, language: str) -> tuple[str, str, str]:
        """Subject, plain text and HTML. allauth's messages come as plain text:
        they are shown in our HTML layout so that every message has both."""
        subject = str(message.subject)
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            for content, mimetype in message.alternatives:
                if mimetype == "text/html":
                    html = str(content)
        if getattr(message, "content_subtype", "plain") == "html":
            html, text = str(message.body), ""
        else:
            text = str(message.body)
        if html:
            return subject, text or strip_tags(html), html
        context: dict[str, Any] = {"subject": subject, "text": text}
        if recipient is not None and category == Category.SECURITY:
            context["preferences_url"] = absolute_url("accounts:notifications", language=language)
        rendered = render_message(
            template=WRAPPED_TEMPLATE, context=context, language=language, tz=recipient.timezone if recipient else None
        )
        return subject, text, rendered.html

    def format_email_subject(self, subject: str) -> str:
        return f"{SITE_NAME}: {subject}"

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """allauth calls this after every security-relevant change (password,
        email address, two-factor), whether or not the email is then sent: the
        one hook that sees them all, so the audit entry is written here."""
        event = SECURITY_EVENTS.get(template_prefix)
        if event and isinstance(user, User):
            security_event_record(user=user, event=event)
        # The person the notice is about: send_mail writes it in their language.
        super().send_notification_mail(template_prefix, user, context={"user": user, **(context or {})}, email=email)
