"""The frame of every page of a school's staff dashboard, public to the apps
above schools that add pages to it (catalog, scheduling, bookings, reviews):
`staff_view(permission)` checks the viewer's role in the school of the URL's
`slug`, `render_dashboard` renders inside the dashboard's navigation, and
`attach_errors` puts a service's ValidationError on a form."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..context_processors import remember_school_staff
from ..models import Instructor
from ..navigation import dashboard_nav
from ..permissions import Perm
from ..selectors import SchoolAccess, staff_access

StaffView = Callable[..., HttpResponse]


def staff_view(permission: Perm) -> Callable[[StaffView], Callable[..., HttpResponse]]:
    """Sign-in required; then the school `slug` must be one the user is staff of
    (else 404) with a role that has `permission` (else 403)."""

    def decorator(view: StaffView) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            access = staff_access(user=request.user, slug=slug, permission=permission)
            remember_school_staff(request, True)
            return view(request, access, *args, **kwargs)

        return wrapped

    return decorator


def render_dashboard(
    request: HttpRequest,
    access: SchoolAccess,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    section: str,
    status: int = 200,
) -> HttpResponse:
    own_profile = (
        Instructor.objects.filter(school=access.school, user_id=access.membership.user_id)
        .values_list("pk", flat=True)
        .first()
    )
    full = {
        "access": access,
        "school": access.school,
        "role_label": access.membership.get_role_display(),
        "nav": dashboard_nav(access, active=section, own_profile_id=own_profile),
        "own_profile_id": own_profile,
        "section": section,
        "can": {perm.value: access.can(perm) for perm in Perm},
        **(context or {}),
    }
    return render(request, template, full, status=status)


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names if the
    form shows that field, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        form.add_error(None, exc)
