from __future__ import annotations

import json

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from coursemarket.notifications.selectors import push_config as push_page_config

from . import privacy, selectors, services
from .adapter import in_language, set_language_cookie
from .forms import NotificationPreferencesForm, PasswordConfirmForm, PreferencesForm, ProfileForm
from .models import User


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _password_form(request: HttpRequest, user: User) -> PasswordConfirmForm:
    """The password form for a sensitive action, its attempts rate-limited like
    allauth's own re-authentication (10 a minute per person)."""
    form = PasswordConfirmForm(request.POST or None, user=user)
    if request.method == "POST" and not ratelimit.consume(request, action="reauthenticate", user=user):
        form.is_valid()
        form.errors.clear()
        form.add_error(None, _("Too many attempts. Please wait a minute and try again."))
    return form


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard_for(user=_user(request))
    return render(request, "accounts/dashboard.html", {"data": data})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = selectors.student_profile_for(user=user)
    initial = {
        "display_name": user.display_name,
        "bio": current.bio,
        "city": current.city,
        "languages_spoken": current.languages_spoken,
        "interests": list(current.interests.all()) if current.pk else [],
        "country": current.country,
        "age_band": current.age_band,
        "gender": current.gender,
        "share_with_schools": current.share_with_schools,
    }
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.student_profile_update(
                user=user,
                display_name=data["display_name"],
                bio=data["bio"],
                city=data["city"],
                languages_spoken=data["languages_spoken"],
                interests=data["interests"],
                avatar=data.get("avatar") or None,
                remove_avatar=bool(data.get("remove_avatar")),
                demographics=services.Demographics(
                    country=data["country"],
                    age_band=data["age_band"],
                    gender=data["gender"],
                    share_with_schools=data["share_with_schools"],
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "profile": current})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PreferencesForm(request.POST or None, initial={"language": user.language, "timezone": user.timezone})
    if request.method == "POST" and form.is_valid():
        try:
            services.account_preferences_update(
                user=user, language=form.cleaned_data["language"], timezone=form.cleaned_data["timezone"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Say it in the language the person just chose, and take them there.
            with translation.override(user.language):
                messages.success(request, _("Your preferences are saved."))
                target = reverse("accounts:settings")
            response = redirect(in_language(target, user.language))
            set_language_cookie(response, user.language)
            return response
    return render(request, "accounts/preferences.html", {"form": form, "now": timezone.now()})


def set_language(request: HttpRequest) -> HttpResponse:
    """/i18n/setlang/: Django's switch (the cookie, and back to the same page
    in the new language); for a signed-in person the choice is also saved to
    their account, so their other devices speak it after sign-in."""
    response = django_set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.account_language_update(user=_user(request), language=language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = NotificationPreferencesForm(
        request.POST or None,
        instance=selectors.notification_preferences_for(user=user),
        school_staff=selectors.is_school_staff(user=user),
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_update(
            user=user,
            choices={field: form.cleaned_data[field] for field in form.fields if not field.startswith("quiet_hours")},
            quiet_hours=(form.cleaned_data["quiet_hours_start"], form.cleaned_data["quiet_hours_end"]),
        )
        messages.success(request, _("Your notification choices are saved."))
        return redirect("accounts:notifications")
    return render(
        request,
        "accounts/notifications.html",
        {"form": form, "push": push_page_config()},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET"])
def privacy_center(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html", {"export_form": PasswordConfirmForm(user=_user(request))})


@login_required
@require_http_methods(["GET", "POST"])
def data_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = _password_form(request, user)
    if request.method == "POST" and form.is_valid():
        data = services.account_data_export(user=user)
        stamp = timezone.now().strftime("%Y%m%d")
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="coursemarket-data-{stamp}.json"'
        response["Cache-Control"] = "no-store"
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/privacy.html", {"export_form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    blockers = privacy.erasure_blockers(user=user)
    form = _password_form(request, user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            services.account_delete(user=user)
        except services.AccountDeletionBlockedError as blocked:
            blockers = blocked.reasons
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for learning with us."))
            return redirect("web:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete.html", {"form": form, "blockers": blockers}, status=status)
