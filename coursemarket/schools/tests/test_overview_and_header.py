"""The overview's "Getting started" checklist and "Leave this school", and the
header's "My schools", which only school staff see."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.models import CourseStatus
from coursemarket.catalog.tests.factories import CourseFactory
from coursemarket.schools.models import Membership, Role

from .factories import SchoolFactory, staff

pytestmark = pytest.mark.django_db

MY_SCHOOLS = re.compile(r'<a class="nav-link" href="/en/dashboard/schools/">')


def checklist(html: str) -> list[tuple[str, bool]]:
    """(label, done) for each step, in order."""
    section = re.search(r'<ol class="checklist.*?</ol>', html, re.S).group(0)
    steps = []
    for item in re.findall(r"<li[^>]*>.*?</li>", section, re.S):
        label = re.sub(r"<[^>]+>|\(done\)", "", item).strip()
        steps.append((" ".join(label.split()), "is-done" in item))
    return steps


def overview(client, school, user):
    client.force_login(user)
    response = client.get(reverse("schools:dashboard", kwargs={"slug": school.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_school_is_asked_for_its_first_course_then_to_publish_one(client):
    school = SchoolFactory()
    owner = staff(school, Role.OWNER).user
    steps = checklist(overview(client, school, owner))
    labels = [label for label, _done in steps]
    assert labels.index("Introduce your instructors") < labels.index("Create your first course")
    assert labels.index("Create your first course") < labels.index("Publish a course, so students can book it")
    assert labels.index("Publish a course, so students can book it") < labels.index("Invite your team")
    assert dict(steps)["Create your first course"] is False
    html = overview(client, school, owner)
    assert f'href="{reverse("catalog:dashboard_course_create", args=[school.slug])}">Create your first course' in html

    CourseFactory(school=school, status=CourseStatus.DRAFT)
    steps = dict(checklist(overview(client, school, owner)))
    assert steps["Create your first course"] is True
    assert steps["Publish a course, so students can book it"] is False

    CourseFactory(school=school, status=CourseStatus.PUBLISHED)
    steps = dict(checklist(overview(client, school, owner)))
    assert steps["Publish a course, so students can book it"] is True


def test_course_steps_are_shown_only_to_those_who_manage_courses(client):
    school = SchoolFactory()
    teacher = staff(school, Role.INSTRUCTOR).user
    html = overview(client, school, teacher)
    assert "Create your first course" not in html


def test_the_only_owner_is_not_offered_to_leave_and_is_refused_if_they_try(client):
    school = SchoolFactory()
    owner = staff(school, Role.OWNER).user
    html = overview(client, school, owner)
    assert "Leave this school" not in html
    response = client.post(reverse("schools:leave", kwargs={"slug": school.slug}), follow=True)
    assert "A school needs at least one owner. Make someone else an owner first." in response.content.decode()
    assert Membership.objects.filter(school=school, user=owner, role=Role.OWNER).exists()


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.INSTRUCTOR])
def test_a_member_who_may_leave_is_offered_to(client, role):
    school = SchoolFactory()
    staff(school, Role.OWNER)  # another owner
    member = staff(school, role).user
    assert "Leave this school" in overview(client, school, member)


def test_my_schools_is_shown_to_school_staff_only(client):
    student = UserFactory()
    client.force_login(student)
    assert not MY_SCHOOLS.search(client.get("/en/").content.decode())
    assert not MY_SCHOOLS.search(client.get(reverse("schools:school_list")).content.decode())

    member = staff(SchoolFactory(), Role.INSTRUCTOR).user
    client.force_login(member)
    assert MY_SCHOOLS.search(client.get("/en/").content.decode())


def test_my_schools_costs_no_query_once_known(client):
    """Worked out once per sign-in, then read from the session: a page asks
    the database nothing about memberships."""
    for user in (UserFactory(), staff(SchoolFactory(), Role.OWNER).user):
        client.force_login(user)
        client.get("/en/")  # the first page learns it
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("schools:school_list"))
        assert not [q["sql"] for q in ctx.captured_queries if "schools_membership" in q["sql"]]


def test_my_schools_follows_joining_and_leaving(client):
    student = UserFactory()
    client.force_login(student)
    assert not MY_SCHOOLS.search(client.get("/en/").content.decode())
    # Creating a school (the home page's "Create your school") makes them staff.
    assert reverse("schools:school_create") in client.get("/en/").content.decode()
    response = client.post(
        reverse("schools:school_create"),
        {"name": "Taller Norte", "slug": "taller-norte", "default_language": "es", "languages_taught": ["es"]},
        follow=True,
    )
    assert response.status_code == 200, response.content.decode()[:500]
    assert MY_SCHOOLS.search(response.content.decode())

    # A manager who leaves their only school no longer sees it.
    school = SchoolFactory()
    manager = staff(school, Role.MANAGER).user
    client.force_login(manager)
    assert MY_SCHOOLS.search(client.get("/en/").content.decode())
    response = client.post(reverse("schools:leave", kwargs={"slug": school.slug}), follow=True)
    assert not MY_SCHOOLS.search(response.content.decode())
