import pytest
from allauth.account.models import EmailAddress

from coursemarket.accounts.models import User
from coursemarket.demo import accounts as accounts_demo
from coursemarket.demo import schools as demo
from coursemarket.schools.models import Instructor, Location, Membership, Role, School

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_complete(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    accounts_demo.seed()
    first = demo.seed()
    assert len(first) >= 20
    assert demo.seed() == []
    counts = (School.objects.count(), Location.objects.count(), Instructor.objects.count(), Membership.objects.count())
    demo.seed()
    assert counts == (
        School.objects.count(),
        Location.objects.count(),
        Instructor.objects.count(),
        Membership.objects.count(),
    )
    assert Location.objects.values("city").distinct().count() >= 6
    assert School.objects.filter(is_verified=True).exists() and School.objects.filter(is_verified=False).exists()
    owner = User.objects.get(email="owner@coursemarket.test")
    teacher = User.objects.get(email="instructor@coursemarket.test")
    sol = School.objects.get(slug="academia-sol-madrid")
    assert Membership.objects.get(school=sol, user=owner).role == Role.OWNER
    assert Membership.objects.get(school=sol, user=teacher).role == Role.INSTRUCTOR
    assert Instructor.objects.get(school=sol, user=teacher).credentials.exists()
    assert all(s.logo and s.cover_image for s in School.objects.all())
    assert {loc.timezone for loc in Location.objects.all()} >= {"Europe/Madrid", "Asia/Tokyo", "Africa/Cairo"}

    staff_user = User.objects.get(email="lena.hoffmann@coursemarket.test")
    assert staff_user.check_password(accounts_demo.DEMO_PASSWORD)
    assert EmailAddress.objects.get(user=staff_user).verified
