from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone as dj_timezone
from django.utils.translation import get_language_info, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from coursemarket.core.money import format_number
from coursemarket.core.texts import TranslationOrigin

from .policies import CancellationPolicy

# Listings show a session's seats only when this few are left (and "Full" at
# none), so a booking changes them only near or across it (see pagecache).
LOW_SEATS = 3


class Category(TranslatableModel):
    """A node of the platform's topic tree (Languages › Spanish). Names are
    translated by the platform, in every supported language."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    icon = models.CharField(
        _("icon"), max_length=40, blank=True, help_text=_("A Bootstrap Icons name, e.g. 'translate'.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=100),
        description=models.CharField(_("description"), max_length=300, blank=True),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.slug)


class Skill(models.Model):
    """A skill from the shared vocabulary. Schools type free tags; they are
    normalised (see taxonomy.normalise_skill) onto one Skill each."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


TEACHING_LANGUAGES = ["ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pt", "ru", "zh-hans"]


def teaching_language_choices() -> list[tuple[str, str]]:
    """Languages a course can be taught in, named in the reader's language."""
    choices = [(code, str(get_language_info(code)["name_translated"])) for code in TEACHING_LANGUAGES]
    return sorted(choices, key=lambda item: item[1])


def default_teaching_language(*, languages_taught: list[str], content_language: str) -> str:
    """What a new course of a school is taught in, unless the school says
    otherwise: the first language the school teaches that a course can be
    taught in ("zh" is taught as "zh-hans"), else its content language."""
    for code in languages_taught:
        for candidate in (code, f"{code}-hans"):
            if candidate in TEACHING_LANGUAGES:
                return candidate
    return content_language if content_language in TEACHING_LANGUAGES else settings.LANGUAGE_CODE


def teaching_language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


class Level(models.TextChoices):
    ALL = "all", _("All levels")
    BEGINNER = "beginner", _("Beginner")
    ELEMENTARY = "elementary", _("Elementary")
    INTERMEDIATE = "intermediate", _("Intermediate")
    UPPER_INTERMEDIATE = "upper_intermediate", _("Upper intermediate")
    ADVANCED = "advanced", _("Advanced")


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online, live")
    HYBRID = "hybrid", _("In person or online")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Course(models.Model):
    """A course a school offers. Its texts are written in `language` (the
    school's language by default); `CourseTranslation` rows add other
    languages, and a page in a language without one shows the original."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="courses"
    )
    slug = models.SlugField(_("web address"), max_length=120, unique=True)
    language = models.CharField(
        _("language of the texts"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    title = models.CharField(_("title"), max_length=140)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown: **bold**, lists, links."))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="courses"
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="courses")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.ALL)
    teaching_language = models.CharField(_("taught in"), max_length=8, default="en")
    delivery_mode = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryMode.choices, default=DeliveryMode.IN_PERSON
    )
    duration_hours = models.DecimalField(
        _("total hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))], default=1
    )
    price = models.DecimalField(
        _("price per seat"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # The course's identifier in the school's own system (or the catalogue it
    # was imported from); an import matches on it to update instead of duplicating.
    external_id = models.CharField(_("external ID"), max_length=200, blank=True, default="")
    included = models.TextField(_("what is included"), blank=True)
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    audience = models.TextField(_("who it is for"), blank=True)
    min_group_size = models.PositiveSmallIntegerField(_("minimum group size"), default=1)
    max_group_size = models.PositiveSmallIntegerField(_("maximum group size"), default=12)
    cover_image = models.ImageField(_("cover image"), upload_to="courses/covers/", blank=True)
    cover_alt = models.CharField(
        _("cover description"), max_length=200, blank=True, help_text=_("What the picture shows, for screen readers.")
    )
    # Where the subject is, in percent of the width and height: crops keep it.
    cover_focus_x = models.PositiveSmallIntegerField(
        _("focal point x"), default=50, validators=[MaxValueValidator(100)]
    )
    cover_focus_y = models.PositiveSmallIntegerField(
        _("focal point y"), default=50, validators=[MaxValueValidator(100)]
    )
    cancellation_policy = models.CharField(
        _("cancellation policy"), max_length=12, choices=CancellationPolicy.choices, default=CancellationPolicy.MODERATE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CourseStatus.choices, default=CourseStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=dj_timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "category"]),
            models.Index(fields=["school", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "external_id"],
                condition=~Q(external_id=""),
                name="course_external_id_unique_per_school",
                violation_error_message=_("Another course of this school has the same external ID."),
            ),
            models.CheckConstraint(
                condition=Q(min_group_size__lte=F("max_group_size")),
                name="course_group_sizes_ordered",
                violation_error_message=_("The minimum group size cannot be larger than the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="course_price_not_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price is not None and self.price == 0

    @property
    def teaching_language_name(self) -> str:
        return teaching_language_name(self.teaching_language)

    @property
    def duration_text(self) -> str:
        """ "1 hour in total", "12 hours in total", "1.5 hours in total", in
        the reader's language: whole hours take the language's plural forms,
        a fraction has its own message (languages treat fractions apart)."""
        hours = Decimal(self.duration_hours)
        if hours == hours.to_integral_value():
            whole = int(hours)
            return ngettext("%(hours)s hour in total", "%(hours)s hours in total", whole) % {
                "hours": format_number(whole)
            }
        return pgettext("a fractional number of hours, e.g. 1.5", "%(hours)s hours in total") % {
            "hours": format_number(hours)
        }


class CourseTranslation(models.Model):
    """A school's translation of a course's texts into another language."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=140)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    cover_alt = models.CharField(_("cover description"), max_length=200, blank=True)
    # Field -> fingerprint of the course's text it was translated from
    # (coursemarket.core.texts): a field is outdated when the course's differs.
    source_fingerprints = models.JSONField(_("source fingerprints"), default=dict, blank=True)
    origin = models.CharField(
        _("origin"), max_length=8, choices=TranslationOrigin.choices, default=TranslationOrigin.HUMAN
    )
    # A machine draft is labelled to students until a person approves it.
    approved = models.BooleanField(_("approved"), default=True)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    SOURCE_FIELDS = ("title", "summary", "description", "cover_alt")

    class Meta:
        verbose_name = _("course translation")
        verbose_name_plural = _("course translations")
        constraints = [models.UniqueConstraint(fields=["course", "language"], name="one_translation_per_language")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.language}"


class CourseImage(models.Model):
    """A gallery picture of a course: a clean master (coursemarket.core.images),
    its description in the course's language (`alt_text`) and in the languages
    the course is translated into (`alt_translations`, language -> text), and
    the focal point its crops keep."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="courses/gallery/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=140, blank=True)
    alt_text = models.CharField(_("description"), max_length=200, default="")
    alt_translations = models.JSONField(_("translated descriptions"), default=dict, blank=True)
    focus_x = models.PositiveSmallIntegerField(_("focal point x"), default=50, validators=[MaxValueValidator(100)])
    focus_y = models.PositiveSmallIntegerField(_("focal point y"), default=50, validators=[MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery images")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or self.caption or str(self.image.name)

    def alt_in(self, language: str) -> str:
        return str(self.alt_translations.get(language) or self.alt_text)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


def _local_start(session: Session) -> None:
    """The weekday (1 Monday … 7 Sunday) and hour its first meeting starts, on
    the session's own wall clock: the listing filters "Saturday mornings" on
    these two indexed small columns, on both engines, without time-zone maths
    in SQL."""
    import zoneinfo

    if session.starts_at is None:
        return
    try:
        local = session.starts_at.astimezone(zoneinfo.ZoneInfo(session.timezone or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = session.starts_at
    session.local_weekday = local.isoweekday()
    session.local_hour = local.hour


class SessionQuerySet(models.QuerySet["Session"]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Session]:  # type: ignore[override]
        objs = list(objs)
        for session in objs:
            _local_start(session)
        created: list[Session] = super().bulk_create(objs, *args, **kwargs)  # type: ignore[assignment]
        return created


class Session(models.Model):
    """One scheduled run of a course: its meetings, place, people and seats.

    `starts_at`/`ends_at` mirror the first meeting's start and the last
    meeting's end (kept by the services) so listings filter and sort on
    indexed columns. `seats_taken` counts confirmed + pending + held seats and
    open waitlist offers; the booking services change it only with a
    conditional UPDATE (`seats_taken + n <= capacity`), never read-modify-write.
    """

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions")
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="sessions"
    )
    is_online = models.BooleanField(_("online"), default=False)
    location = models.ForeignKey(
        "schools.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    room = models.ForeignKey(
        "schools.Room", verbose_name=_("room"), null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    timezone = models.CharField(_("time zone"), max_length=64)
    instructors = models.ManyToManyField(
        "schools.Instructor", verbose_name=_("instructors"), blank=True, related_name="sessions"
    )
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    price_override = models.DecimalField(
        _("price for this session"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    booking_deadline = models.DateTimeField(_("booking deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED, db_index=True
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    # Derived from starts_at and timezone on every save (see _local_start).
    local_weekday = models.PositiveSmallIntegerField(_("weekday (local)"), default=1, editable=False)
    local_hour = models.PositiveSmallIntegerField(_("hour (local)"), default=0, editable=False)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=dj_timezone.now, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["course", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
            # Which locations (cities) have upcoming sessions: one probe each.
            models.Index(fields=["location", "status", "starts_at"], name="session_location_upcoming_idx"),
        ]
        # (No index on local_weekday/local_hour: they are checked on the
        # sessions an upcoming-by-course probe already found.)
        constraints = [
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="session_never_oversold"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.starts_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        _local_start(self)
        fields = kwargs.get("update_fields")
        if fields is not None and ({"starts_at", "timezone"} & set(fields)):
            kwargs["update_fields"] = [*fields, "local_weekday", "local_hour"]
        super().save(*args, **kwargs)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def seats_low(self) -> bool:
        """Few seats left: listings show the count only then (LOW_SEATS)."""
        return 0 < self.seats_left <= LOW_SEATS

    @property
    def price(self) -> Decimal | None:
        return self.price_override if self.price_override is not None else self.course.price

    @property
    def is_bookable(self) -> bool:
        now = dj_timezone.now()
        deadline = self.booking_deadline or self.starts_at
        return self.status == SessionStatus.SCHEDULED and now < deadline and self.seats_left > 0


class Meeting(models.Model):
    """One class of a session, stored in UTC; shown in the viewer's time zone
    and the session's own."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class PageVersion(models.Model):
    """The current version of a group of public catalog pages ("all", "listing",
    "course:<slug>"): part of the key under which pages are cached for anonymous
    visitors (catalog.pagecache). Kept in the database, not in the cache, so a
    change made in any process (a second web worker, the background worker)
    reaches every process's cache at once."""

    scope = models.CharField(_("scope"), max_length=160, primary_key=True)
    version = models.BigIntegerField(_("version"))

    class Meta:
        verbose_name = _("page version")
        verbose_name_plural = _("page versions")

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"


class SearchDocument(models.Model):
    """A published course's searchable words in one language (its own and each
    translation's), analysed by `catalog.search.normalise` and kept current by
    `catalog.search.index`. The engines index these rows: on SQLite an FTS5
    table fed by triggers, on PostgreSQL a generated, weighted `tsvector`
    column with a GIN index (migration 0007)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="search_documents")
    language = models.CharField(max_length=8)
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    skills = models.TextField(blank=True)
    category = models.TextField(blank=True)
    school = models.TextField(blank=True)
    people = models.TextField(blank=True)
    city = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [models.UniqueConstraint(fields=["course", "language"], name="one_search_document_per_language")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.language}"


class SearchTerm(models.Model):
    """The catalogue's vocabulary: every folded word the index holds (before
    stemming), with the number of documents that had it at the last rebuild.
    Typo tolerance and "did you mean" pick their corrections from it."""

    word = models.CharField(max_length=100, unique=True)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.word
