from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coursemarket.core.redirects import next_url

from . import selectors, services
from .forms import InterestsForm
from .models import Interests


@login_required
@require_POST
def save(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.public_course_by_id(course_id)
    if request.POST.get("saved") == "0":
        services.course_unsave(actor=request.user, course=course)
        messages.success(request, _("Removed from your saved courses."))
    else:
        try:
            services.course_save(actor=request.user, course=course)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Saved. Find it under Saved courses."))
    return redirect(next_url(request, reverse("catalog:course_detail", args=[course.slug])))


@login_required
@require_POST
def dismiss(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.public_course_by_id(course_id)
    services.recommendation_dismiss(actor=request.user, course=course)
    messages.success(request, _("Got it: we will not recommend this course again."))
    return redirect(next_url(request, reverse("web:home")))


@login_required
def saved(request: HttpRequest) -> HttpResponse:
    return render(request, "recommendations/saved.html", {"rows": selectors.saved_courses(user=request.user)})


def _initial(interests: Interests | None) -> dict[str, object]:
    if interests is None:
        return {"radius_km": 25, "personalised": True}
    return {
        "categories": list(interests.categories.all()),
        "languages": interests.languages,
        "levels": interests.levels,
        "city": interests.city,
        "radius_km": interests.radius_km,
        "personalised": interests.personalised,
        "weekly_digest": interests.weekly_digest,
    }


@login_required
@require_http_methods(["GET", "POST"])
def interests(request: HttpRequest, onboarding: bool = False) -> HttpResponse:
    user: Any = request.user
    current = Interests.objects.filter(user=user).first()
    if request.method == "POST" and request.POST.get("skip") and onboarding:
        services.onboarding_skip(actor=request.user)
        return redirect(next_url(request, reverse("web:home")))
    form = InterestsForm(request.POST or None, initial=_initial(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.interests_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Your interests are saved."))
            return redirect(
                next_url(request, reverse("web:home")) if onboarding else reverse("recommendations:interests")
            )
    template = "recommendations/onboarding.html" if onboarding else "recommendations/interests.html"
    return render(request, template, {"form": form, "onboarding": onboarding}, status=400 if form.errors else 200)
