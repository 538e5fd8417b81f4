from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.models import Category, Course, CourseStatus, Meeting, Session
from coursemarket.catalog.search.index import reindex_courses
from coursemarket.schools.models import Instructor, Location, Membership, Role, Room, School


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Escuela Sol {n}")
    slug = factory.Sequence(lambda n: f"escuela-sol-{n}")
    default_language = "es"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Centro {n}")
    city = "Madrid"
    country = "ES"
    latitude = Decimal("40.416775")
    longitude = Decimal("-3.703790")
    timezone = "Europe/Madrid"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Aula {n}")
    capacity = 12


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    school = factory.SubFactory(SchoolFactory)
    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"instructor-{n}")


def staff(school: School, role: str = Role.OWNER):
    user = UserFactory()
    Membership.objects.create(school=school, user=user, role=role)
    return user


PARENTS = {"spanish": "languages", "english": "languages", "pottery": "arts-crafts", "baking": "cooking"}


def category(slug: str = "spanish") -> Category:
    found = Category.objects.filter(slug=slug).first()
    if found:
        return found
    parent_slug = PARENTS.get(slug, "languages")
    parent, _ = Category.objects.get_or_create(slug=parent_slug)
    parent.set_current_language("en")
    parent.name = parent_slug.replace("-", " ").title()
    parent.save()
    node = Category(slug=slug, parent=parent)
    node.set_current_language("en")
    node.name = slug.title()
    node.save()
    return node


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    slug = factory.Sequence(lambda n: f"course-{n}")
    language = "en"
    title = factory.Sequence(lambda n: f"Conversational Spanish {n}")
    summary = "Speak with confidence in everyday situations."
    description = "Small groups, lots of speaking.\n\n* Role plays\n* Real conversations"
    category = factory.LazyFunction(category)
    price = Decimal("180.00")
    currency = "EUR"
    status = CourseStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def search_index(self: Course, create: bool, extracted: object, **kwargs: object) -> None:
        """Indexed for the text search as the services index it (a factory
        writes the row itself); `search_index=False` leaves it out."""
        if create and extracted is not False:
            reindex_courses([self.pk])


def make_session(
    course: Course,
    *,
    days: int = 10,
    meetings: int = 2,
    capacity: int = 10,
    location=None,
    online: bool = False,
    seats_taken: int = 0,
    tz: str = "Europe/Madrid",
) -> Session:
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    if location is None and not online:
        location = LocationFactory(school=course.school)
    session = Session.objects.create(
        course=course,
        school=course.school,
        location=location,
        is_online=online,
        timezone=tz,
        capacity=capacity,
        seats_taken=seats_taken,
        starts_at=start,
        ends_at=start + timedelta(days=7 * (meetings - 1), hours=2),
    )
    for week in range(meetings):
        begin = start + timedelta(days=7 * week)
        Meeting.objects.create(session=session, starts_at=begin, ends_at=begin + timedelta(hours=2))
    return session
