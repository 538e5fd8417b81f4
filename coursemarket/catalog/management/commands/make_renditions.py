"""`manage.py make_renditions`: make the renditions of every stored picture
that lacks them (after a deploy that adds a size or a format, or for pictures
stored before renditions existed). Pages assume renditions exist (they never
ask storage), so run this once after such a deploy; existing files are kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coursemarket.catalog.models import Course, CourseImage
from coursemarket.core import images
from coursemarket.schools.models import Instructor, School


class Command(BaseCommand):
    help = "Make the missing renditions of course covers and gallery pictures, school covers and instructor photos."

    def handle(self, *args: Any, **options: Any) -> None:
        made = 0
        seen: set[tuple[str, int, int]] = set()
        for course in Course.objects.exclude(cover_image="").only("cover_image", "cover_focus_x", "cover_focus_y"):
            key = (course.cover_image.name or "", course.cover_focus_x, course.cover_focus_y)
            if key not in seen:  # demo covers are shared by many courses: once each
                seen.add(key)
                made += images.generate_renditions(
                    course.cover_image, focus=key[1:], kinds=(images.CARD, images.HERO), share=True
                )
        for picture in CourseImage.objects.all():
            made += images.generate_renditions(
                picture.image, focus=(picture.focus_x, picture.focus_y), kinds=(images.GALLERY,)
            )
        for school in School.objects.exclude(cover_image=""):
            made += images.generate_renditions(school.cover_image, kinds=images.SCHOOL_COVER_KINDS, share=True)
        for instructor in Instructor.objects.exclude(photo=""):
            made += images.generate_renditions(instructor.photo, focus=images.PORTRAIT_FOCUS, kinds=(), share=True)
        self.stdout.write(f"renditions checked or made: {made}")
