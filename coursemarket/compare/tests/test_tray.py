"""The compare tray: limits, bad input, and the merge into the account on sign-in."""

import pytest
from django.contrib.sessions.backends.db import SessionStore

from coursemarket.accounts.tests.factories import TEST_PASSWORD, UserFactory
from coursemarket.catalog.models import CourseStatus
from coursemarket.catalog.tests.factories import CourseFactory
from coursemarket.compare.models import TrayItem
from coursemarket.compare.services import (
    SESSION_KEY,
    TrayError,
    tray_add,
    tray_clear,
    tray_ids,
    tray_merge_on_sign_in,
    tray_remove,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_tray_holds_four_courses_and_refuses_a_fifth_without_change(signed_in):
    user = UserFactory() if signed_in else None
    session = SessionStore()
    courses = CourseFactory.create_batch(5)
    for course in courses[:4]:
        tray_add(user=user, session=session, slug=course.slug)
    tray_add(user=user, session=session, slug=courses[0].slug)  # again: nothing changes
    with pytest.raises(TrayError, match="up to four"):
        tray_add(user=user, session=session, slug=courses[4].slug)
    assert tray_ids(user=user, session=session) == [c.id for c in courses[:4]]
    tray_remove(user=user, session=session, slug=courses[1].slug)
    tray_add(user=user, session=session, slug=courses[4].slug)
    assert tray_ids(user=user, session=session) == [courses[0].id, courses[2].id, courses[3].id, courses[4].id]
    tray_clear(user=user, session=session)
    assert tray_ids(user=user, session=session) == []


@pytest.mark.parametrize("slug", ["no-such-course", "دورة", "a" * 500, "", "x,y"])
def test_unknown_or_junk_courses_are_refused_with_a_message(slug):
    session = SessionStore()
    with pytest.raises(TrayError, match="does not exist or is no longer published"):
        tray_add(user=None, session=session, slug=slug)
    assert SESSION_KEY not in session


def test_an_unpublished_course_cannot_be_added():
    draft = CourseFactory(status=CourseStatus.DRAFT)
    with pytest.raises(TrayError):
        tray_add(user=UserFactory(), session=SessionStore(), slug=draft.slug)
    assert not TrayItem.objects.exists()


def test_sign_in_merges_the_session_tray_into_the_account_up_to_four():
    user = UserFactory()
    kept = CourseFactory.create_batch(3)
    for course in kept:
        TrayItem.objects.create(user=user, course=course)
    session = SessionStore()
    extra = CourseFactory.create_batch(2)
    tray_add(user=None, session=session, slug=kept[0].slug)  # already in the account
    for course in extra:
        tray_add(user=None, session=session, slug=course.slug)
    dropped = tray_merge_on_sign_in(user=user, session=session)
    assert dropped == 1
    assert tray_ids(user=user, session=session) == [*(c.id for c in kept), extra[0].id]
    assert SESSION_KEY not in session


def test_signing_in_through_the_form_keeps_what_an_anonymous_visitor_chose(client):
    user = UserFactory()
    courses = CourseFactory.create_batch(2)
    for course in courses:
        response = client.post("/en/compare/tray/", {"action": "add", "course": course.slug})
        assert response.status_code == 302
    assert response.cookies["cm_compare"].value == "2"
    response = client.post("/en/account/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert list(TrayItem.objects.filter(user=user).values_list("course_id", flat=True)) == [c.id for c in courses]


def test_the_tray_endpoint_refuses_a_fifth_with_a_clear_message_and_changes_nothing(client):
    courses = CourseFactory.create_batch(5)
    for course in courses[:4]:
        client.post("/en/compare/tray/", {"action": "add", "course": course.slug}, HTTP_HX_REQUEST="true")
    response = client.post("/en/compare/tray/", {"action": "add", "course": courses[4].slug}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "You can compare up to four courses. Remove one to add another." in html
    assert 'role="alert"' in html
    assert client.session[SESSION_KEY] == [c.id for c in courses[:4]]
    response = client.post("/en/compare/tray/", {"action": "explode", "course": courses[4].slug})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == [c.id for c in courses[:4]]


def test_the_tray_page_without_javascript_asks_before_adding(client):
    course = CourseFactory()
    response = client.get(f"/en/compare/tray/?add={course.slug}")
    assert response.status_code == 200
    assert "Add this course to your comparison?" in response.content.decode()
    assert SESSION_KEY not in client.session
    response = client.get("/en/compare/tray/?add=%D8%AF%D9%88%D8%B1%D8%A9")  # junk: no question
    assert "Add this course" not in response.content.decode()


def test_the_tray_is_in_the_data_export_and_goes_with_the_account():
    from coursemarket.accounts.privacy import erase_user_data, export_user_data

    user = UserFactory()
    course = CourseFactory()
    tray_add(user=user, session=SessionStore(), slug=course.slug)
    assert [row["course"] for row in export_user_data(user=user)["compare_tray"]] == [course.slug]
    erase_user_data(user=user)
    assert not TrayItem.objects.filter(user=user).exists()


def test_a_merge_that_does_not_fit_tells_the_person(client):
    user = UserFactory()
    for course in CourseFactory.create_batch(4):
        TrayItem.objects.create(user=user, course=course)
    extra = CourseFactory()
    client.post("/en/compare/tray/", {"action": "add", "course": extra.slug})
    response = client.post("/en/account/login/", {"login": user.email, "password": TEST_PASSWORD}, follow=True)
    assert "could not join your comparison" in response.content.decode()
    assert not TrayItem.objects.filter(user=user, course=extra).exists()
