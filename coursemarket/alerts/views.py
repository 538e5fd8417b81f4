from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coursemarket.catalog.models import Course, CourseStatus
from coursemarket.core.redirects import next_url

from .forms import EditSearchForm, SaveSearchForm
from .models import SavedSearch
from .selectors import listing_filters, saved_searches_for
from .services import (
    read_manage_token,
    saved_search_create,
    saved_search_delete,
    saved_search_resume,
    saved_search_stop,
    saved_search_update,
    saved_search_watch_course,
)


def _own(request: HttpRequest, pk: int) -> SavedSearch:
    """A saved search of the signed-in person (404 for anyone else's)."""
    return get_object_or_404(SavedSearch, pk=pk, user=request.user)


@login_required
@require_http_methods(["GET"])
def saved_search_list(request: HttpRequest) -> HttpResponse:
    searches = saved_searches_for(user=request.user)
    rows: list[dict[str, Any]] = [
        {"saved": s, "form": EditSearchForm(initial={"name": s.name, "frequency": s.frequency}, prefix=f"s{s.pk}")}
        for s in searches
    ]
    listing = reverse("catalog:course_list")
    return render(request, "alerts/list.html", {"rows": rows, "listing": listing})


@login_required
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    """ "Save this search" from the results page."""
    form = SaveSearchForm(request.POST)
    back = next_url(request, reverse("catalog:course_list"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    query_string = form.cleaned_data["query_string"]
    search_form, _filters = listing_filters(query_string)
    if search_form.errors:
        messages.error(request, _("Correct the search before saving it."))
        return redirect(back)
    try:
        saved_search_create(
            user=request.user,
            name=form.cleaned_data["name"],
            query_string=query_string,
            frequency=form.cleaned_data["frequency"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, _("Search saved. We will email you when new dates match it."))
    return redirect(back)


@login_required
@require_POST
def notify_me(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Notify me" on a course with no upcoming dates."""
    course = get_object_or_404(Course, slug=slug, status=CourseStatus.PUBLISHED)
    try:
        _saved, created = saved_search_watch_course(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("We will email you when this course has new dates.")
            if created
            else _("You are already on the list for this course."),
        )
    return redirect(next_url(request, reverse("catalog:course_detail", kwargs={"slug": slug})))


@login_required
@require_POST
def update(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _own(request, pk)
    form = EditSearchForm(request.POST, prefix=f"s{saved.pk}")
    if form.is_valid():
        saved_search_update(saved=saved, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved search updated."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("alerts:list")


@login_required
@require_POST
def stop(request: HttpRequest, pk: int) -> HttpResponse:
    saved_search_stop(saved=_own(request, pk), actor=request.user)
    messages.success(request, _("Alerts stopped for this search."))
    return redirect("alerts:list")


@login_required
@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    saved_search_resume(saved=_own(request, pk), actor=request.user)
    messages.success(request, _("Alerts are on again for this search."))
    return redirect("alerts:list")


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved_search_delete(saved=_own(request, pk), actor=request.user)
    messages.success(request, _("Saved search deleted."))
    return redirect("alerts:list")


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """From the email's signed link, no sign-in: change how often, or stop."""
    saved = read_manage_token(token)
    if saved is None:
        raise Http404(_("This link is not valid. Manage your alerts from your account."))
    form = EditSearchForm(request.POST or None, initial={"name": saved.name, "frequency": saved.frequency})
    status = 200
    if request.method == "POST":
        actor = saved.user
        if request.POST.get("action") == "stop":
            saved_search_stop(saved=saved, actor=actor)
            messages.success(request, _("Alerts stopped for this search."))
            return redirect("alerts:manage", token=token)
        if request.POST.get("action") == "resume":
            saved_search_resume(saved=saved, actor=actor)
            messages.success(request, _("Alerts are on again for this search."))
            return redirect("alerts:manage", token=token)
        if form.is_valid():
            saved_search_update(saved=saved, actor=actor, **form.cleaned_data)
            messages.success(request, _("Saved search updated."))
            return redirect("alerts:manage", token=token)
        status = 400
    return render(request, "alerts/manage.html", {"saved": saved, "form": form}, status=status)
