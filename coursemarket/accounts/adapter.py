from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.urls import translate_url
from django.utils import translation

from .middleware import TIMEZONE_COOKIE
from .models import User
from .services import SECURITY_EVENTS, security_event_record, user_signup_complete

SITE_NAME = "Coursemarket"


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
            user_signup_complete(
                user=saved,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                timezone=request.COOKIES.get(TIMEZONE_COOKIE, ""),
            )
        return saved

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse:
        """After sign-in the site speaks the person's language: their language's
        cookie is set and the redirect lands under their language's prefix."""
        response = super().post_login(request, user, **kwargs)
        language = getattr(user, "language", "")
        if language in dict(settings.LANGUAGES):
            location = response.get("Location")
            if location and not urlsplit(location).netloc:
                response["Location"] = in_language(location, language)
            set_language_cookie(response, language)
        return response

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Without django.contrib.sites allauth would call the site by its host name.
        domain = urlsplit(settings.SITE_URL).netloc
        request = getattr(self, "request", None)
        if request is not None:
            domain = request.get_host()
        context = {"current_site": SimpleNamespace(name=SITE_NAME, domain=domain), **context}
        super().send_mail(template_prefix, email, context)

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
        super().send_notification_mail(template_prefix, user, context=context, email=email)
