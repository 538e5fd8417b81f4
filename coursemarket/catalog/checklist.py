"""Catalog's steps in a school's "Getting started" checklist (registered on
schools.checklist.checklist_steps in CatalogConfig.ready())."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from coursemarket.schools.checklist import ChecklistStep
from coursemarket.schools.models import School
from coursemarket.schools.permissions import Perm

from .models import Course, CourseStatus


def course_steps(school: School) -> list[ChecklistStep]:
    """Create a first course, then publish one (one query)."""
    counts = Course.objects.filter(school=school).aggregate(
        courses=Count("pk"), published=Count("pk", filter=Q(status=CourseStatus.PUBLISHED))
    )
    return [
        ChecklistStep(
            _("Create your first course"), counts["courses"] > 0, Perm.MANAGE_COURSES, "catalog:dashboard_course_create"
        ),
        ChecklistStep(
            _("Publish a course, so students can book it"),
            counts["published"] > 0,
            Perm.MANAGE_COURSES,
            "catalog:dashboard_courses",
        ),
    ]
