"""Pages for reviews: writing and editing (students), votes and reports
(readers), answers and flags (schools), the moderation queue (operators)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coursemarket.core.redirects import next_url
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import attach_errors, render_dashboard, staff_view

from . import selectors, services
from .forms import AnswerForm, FlagForm, HideForm, ReportForm, ReviewForm
from .models import NameStyle, Review


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted  # type: ignore[attr-defined]


def course_reviews(request: HttpRequest, slug: str) -> HttpResponse:
    """The course's reviews: the htmx fragment, or a page of its own without JS."""
    course = selectors.reviewed_course(slug=slug)
    context = selectors.course_reviews_context(course=course, params=request.GET, viewer=request.user)
    template = "reviews/includes/review_list.html" if _htmx(request) else "reviews/course_reviews.html"
    return render(request, template, context)


def _names(user: Any) -> dict[str, str]:
    sample = Review(author=user)
    sample.name_style = NameStyle.FULL
    full = sample.author_name()
    sample.name_style = NameStyle.INITIAL
    return {NameStyle.FULL: full, NameStyle.INITIAL: sample.author_name()}


def _refused(request: HttpRequest, exc: Exception, status: int) -> HttpResponse:
    message = exc.messages[0] if isinstance(exc, ValidationError) else (str(exc) or _("You cannot do this."))
    return render(request, "reviews/refused.html", {"message": message}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review_write(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.booking_to_review(user=request.user, reference=reference)
    try:
        services.check_can_review(user=request.user, booking=booking)
    except PermissionDenied as exc:
        return _refused(request, exc, 403)
    except ValidationError as exc:
        return _refused(request, exc, 409)
    form = ReviewForm(request.POST or None, names=_names(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_create(author=request.user, booking=booking, data=form.review_input())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if review.held_for:
                messages.info(request, _("Thank you! Your review will appear once a moderator has read it."))
            else:
                messages.success(request, _("Thank you! Your review is published."))
            return redirect("reviews:mine")
    context = {"form": form, "booking": booking, "session": booking.session, "course": booking.session.course}
    return render(request, "reviews/review_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.own_review(user=request.user, review_id=review_id)
    initial = {f: getattr(review, f) for f in ReviewForm.base_fields}
    form = ReviewForm(request.POST or None, initial=initial, names=_names(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_update(actor=request.user, review=review, data=form.review_input())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if review.status == "published":
                messages.success(request, _("Your review is updated."))
            else:
                messages.info(request, _("Your review is updated and waits for a moderator."))
            return redirect("reviews:mine")
    context = {"form": form, "review": review, "session": review.session, "course": review.course, "editing": True}
    return render(request, "reviews/review_form.html", context, status=400 if form.errors else 200)


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/my_reviews.html",
        {
            "reviews": selectors.reviews_by_author(user=request.user),
            "prompts": selectors.review_prompts(user=request.user),
        },
    )


@login_required
@require_POST
def review_vote(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.published_review(review_id=review_id)
    helpful = request.POST.get("helpful") != "0"
    try:
        review = services.review_vote(actor=request.user, review=review, helpful=helpful)
    except (PermissionDenied, ValidationError) as exc:
        if _htmx(request):
            return HttpResponse(status=403)
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    else:
        if _htmx(request):
            review.viewer_voted = helpful  # type: ignore[attr-defined]
            return render(request, "reviews/includes/vote_button.html", {"review": review})
    return redirect(next_url(request, reverse("reviews:course", args=[review.course.slug])))


@login_required
@require_http_methods(["GET", "POST"])
def review_report(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.published_review(review_id=review_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_report(
                actor=request.user,
                review=review,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except PermissionDenied as exc:
            return _refused(request, exc, 403)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Thank you. Our moderators will look at this review."))
            return redirect(reverse("catalog:course_detail", args=[review.course.slug]) + "#reviews")
    return render(
        request, "reviews/report_form.html", {"form": form, "review": review}, status=400 if form.errors else 200
    )


# --- School dashboard -------------------------------------------------------------


@staff_view(Perm.MANAGE_REVIEWS)
def dashboard(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    show = request.GET.get("show") or "all"
    show = show if show in selectors.SCHOOL_FILTERS else "all"
    page = selectors.school_reviews(school=access.school, show=show, page=request.GET.get("page"))
    context = {"review_page": page, "show": show, "summary": selectors.summary_for(school=access.school)}
    return render_dashboard(request, access, "reviews/dashboard/reviews.html", context, section="reviews")


@staff_view(Perm.MANAGE_REVIEWS)
@require_http_methods(["GET", "POST"])
def dashboard_answer(request: HttpRequest, access: SchoolAccess, review_id: int) -> HttpResponse:
    review = selectors.school_review(school=access.school, review_id=review_id)
    existing = getattr(review, "answer", None)  # the reverse one-to-one raises AttributeError when absent
    form = AnswerForm(request.POST or None, initial={"text": existing.text if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_answer_save(actor=request.user, review=review, text=form.cleaned_data["text"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your answer is published below the review."))
            return redirect("reviews:dashboard", slug=access.school.slug)
    context = {"form": form, "review": review, "mode": "answer"}
    return render_dashboard(
        request, access, "reviews/dashboard/review_action.html", context, section="reviews",
        status=400 if form.errors else 200,
    )  # fmt: skip


@staff_view(Perm.MANAGE_REVIEWS)
@require_http_methods(["GET", "POST"])
def dashboard_flag(request: HttpRequest, access: SchoolAccess, review_id: int) -> HttpResponse:
    review = selectors.school_review(school=access.school, review_id=review_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_flag(
                actor=request.user,
                review=review,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Sent to the moderators. The review stays as it is until they decide."))
            return redirect("reviews:dashboard", slug=access.school.slug)
    context = {"form": form, "review": review, "mode": "flag"}
    return render_dashboard(
        request, access, "reviews/dashboard/review_action.html", context, section="reviews",
        status=400 if form.errors else 200,
    )  # fmt: skip


# --- Operators ----------------------------------------------------------------------


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.is_operator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@operator_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab") or "pending"
    tab = tab if tab in selectors.QUEUE_TABS else "pending"
    context = {
        "tab": tab,
        "counts": selectors.moderation_counts(),
        "review_page": selectors.moderation_queue(tab=tab, page=request.GET.get("page")),
        "hide_form": HideForm(),
    }
    return render(request, "reviews/moderation/queue.html", context)


@operator_required
def moderation_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.moderation_review(review_id=review_id)
    return render(request, "reviews/moderation/detail.html", {"review": review, "hide_form": HideForm()})


@operator_required
@require_POST
def moderation_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.moderation_review(review_id=review_id)
    decision = request.POST.get("decision")
    hide_form = HideForm(request.POST if decision == "hide" else None)
    try:
        if decision == "publish":
            services.review_publish(actor=request.user, review=review)
            messages.success(request, _("The review is published."))
        elif decision == "restore":
            services.review_restore(actor=request.user, review=review)
            messages.success(request, _("The review is back on the site."))
        elif decision == "hide":
            if not hide_form.is_valid():
                raise ValidationError(list(hide_form.errors.get("reason") or [_("Tell the author why.")]))
            services.review_hide(actor=request.user, review=review, reason=hide_form.cleaned_data["reason"])
            messages.success(request, _("The review is hidden; its author sees your reason."))
        else:
            raise ValidationError(_("Choose a decision."))
    except ValidationError as exc:
        hide_form = HideForm(request.POST)
        hide_form.is_valid()
        if decision == "hide":
            attach_errors(hide_form, exc)
        else:
            messages.error(request, exc.messages[0])
        review = selectors.moderation_review(review_id=review_id)
        return render(request, "reviews/moderation/detail.html", {"review": review, "hide_form": hide_form}, status=400)
    return redirect(next_url(request, reverse("reviews:moderation")))
