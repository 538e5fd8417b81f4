"""School-written text inside an Arabic page keeps its own direction: inside
our sentences it sits in a <bdi> ("About <bdi>Escuela Sol</bdi>"), alone in an
element that element says dir="auto", so its full stop stays at its end."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coursemarket.catalog.tests.factories import CourseFactory, InstructorFactory, LocationFactory, make_session

pytestmark = pytest.mark.django_db


def test_school_and_instructor_pages_isolate_school_written_names_in_arabic():
    course = CourseFactory(title="Pottery for beginners.")
    school = course.school
    school.name = "Clay Works Ltd."
    school.description = "We teach pottery."
    school.save()
    location = LocationFactory(school=school, name="Main studio")
    instructor = InstructorFactory(school=school, name="Ana Ruiz", bio="Potter since 2001.")
    make_session(course, location=location).instructors.add(instructor)
    client = Client()
    with translation.override("ar"):
        school_url = reverse("schools:school_detail", kwargs={"slug": school.slug})
        instructor_url = reverse("schools:instructor_detail", kwargs={"slug": instructor.slug})
    school_page = client.get(school_url).content.decode()
    assert 'dir="rtl"' in school_page
    assert "<bdi>Clay Works Ltd.</bdi>" in school_page  # "About …" heading
    assert re.search(r'<h3[^>]*dir="auto"[^>]*>Main studio</h3>', school_page)
    assert re.search(r'<span class="instructor-card-name" dir="auto">Ana Ruiz</span>', school_page)

    instructor_page = client.get(instructor_url).content.decode()
    assert re.search(r'<h1 class="instructor-name"[^>]*dir="auto"[^>]*>Ana Ruiz</h1>', instructor_page)
    assert "<bdi>Ana Ruiz</bdi>" in instructor_page  # "About …" over the bio
    assert re.search(r'<span itemprop="name" dir="auto">Clay Works Ltd.</span>', instructor_page)


def test_the_reviews_page_isolates_the_course_title_in_its_heading():
    course = CourseFactory(title="Pottery for beginners.")
    with translation.override("ar"):
        url = reverse("reviews:course", kwargs={"slug": course.slug})
    html = Client().get(url).content.decode()
    assert "<bdi>Pottery for beginners.</bdi>" in html
