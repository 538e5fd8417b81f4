"""Forms parse and validate input; the services do the writes (and validate
again, so that every caller is held to the same rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from coursemarket.core import images

from .geo import check_coordinates
from .geo_names import country_choices, language_choices
from .models import Instructor, InstructorCredential, Location, Role, Room, School

COLOR_ATTRS = {"pattern": "#[0-9a-fA-F]{6}", "placeholder": "#4338ca", "maxlength": 7, "data-color-input": ""}


class LanguagesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple(attrs={"data-checkbox-grid": ""})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=language_choices, **kwargs)


def image_changes(cleaned: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Only what changed: a new upload, or False when "clear" was ticked."""
    changes: dict[str, Any] = {}
    for field in fields:
        value = cleaned.get(field)
        if isinstance(value, UploadedFile) or value is False:
            changes[field] = value
    return changes


class ImageCleaningMixin:
    image_fields: tuple[str, ...] = ()
    cleaned_data: dict[str, Any]

    def _clean_image(self, field: str) -> Any:
        value = self.cleaned_data.get(field)
        if isinstance(value, UploadedFile):
            images.check_image(value)
        return value

    def clean_logo(self) -> Any:
        return self._clean_image("logo")

    def clean_cover_image(self) -> Any:
        return self._clean_image("cover_image")

    def clean_photo(self) -> Any:
        return self._clean_image("photo")


class FallbackLanguagesField(forms.CharField):
    """The school's fallback order as codes separated by commas ("en, es");
    the service checks them (site languages only, each once)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            max_length=80,
            label=_("Fallback languages"),
            help_text=_(
                "When a text is not translated into a reader's language, show it in these languages first, "
                "in this order, before the language you wrote it in. Language codes separated by commas, "
                "for example: en, es."
            ),
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [code.strip().lower() for code in text.replace(";", ",").split(",") if code.strip()]


class SchoolForm(ImageCleaningMixin, forms.ModelForm):
    """Create a school, or edit its profile and branding (with `branding=True`)."""

    image_fields = ("logo", "cover_image")
    languages_taught = LanguagesField(label=_("Languages taught in"))
    fallback_languages = FallbackLanguagesField()

    class Meta:
        model = School
        fields = [
            "name",
            "slug",
            "tagline",
            "description",
            "logo",
            "cover_image",
            "website",
            "contact_email",
            "contact_phone",
            "languages_taught",
            "founded_year",
            "default_language",
            "fallback_languages",
            "brand_primary_color",
            "brand_accent_color",
        ]
        widgets = {
            "brand_primary_color": forms.TextInput(attrs=COLOR_ATTRS),
            "brand_accent_color": forms.TextInput(attrs=COLOR_ATTRS),
            "description": forms.Textarea(attrs={"rows": 6}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "cover_image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "founded_year": forms.NumberInput(attrs={"min": 1000, "max": 2100, "inputmode": "numeric"}),
        }
        help_texts = {
            "description": _("Who you are, how you teach, what makes you different. Simple Markdown works."),
            "logo": _("Square works best. JPEG, PNG or WebP, up to 5 MB."),
            "cover_image": _("A wide photo of your school, at least 1200 pixels wide. Up to 5 MB."),
            "brand_primary_color": _(
                "Buttons and links on your public pages use it. Leave empty for Coursemarket's colours."
            ),
            "brand_accent_color": _("Used for highlights. Optional."),
        }

    def __init__(self, *args: Any, branding: bool = False, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = not creating
        if creating:
            del self.fields["fallback_languages"]  # set on the profile page, once there is content to translate
            self.fields["slug"].help_text = _("Leave empty to make one from the name.")
        self.fields["name"].widget.attrs.update({"autocomplete": "organization", "data-slug-source": ""})
        self.fields["slug"].widget.attrs.update({"data-slug-target": "", "spellcheck": "false"})
        if not branding:
            del self.fields["brand_primary_color"]
            del self.fields["brand_accent_color"]

    def clean_slug(self) -> str:
        return (self.cleaned_data.get("slug") or "").strip().lower()

    def clean_brand_primary_color(self) -> str:
        return (self.cleaned_data.get("brand_primary_color") or "").strip().lower()

    def clean_brand_accent_color(self) -> str:
        return (self.cleaned_data.get("brand_accent_color") or "").strip().lower()

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("logo", "cover_image")}
        data.update(image_changes(self.cleaned_data, ("logo", "cover_image")))
        return data


class LocationForm(forms.ModelForm):
    latitude = forms.CharField(
        label=_("Latitude"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "40.416775", "data-geo": "latitude"}),
        help_text=_("From −90 to 90. Filled in when you pick a city; fine-tune it for your exact address."),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "-3.703790", "data-geo": "longitude"}),
        help_text=_("From −180 to 180."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=())
    city_geoname_id = forms.IntegerField(required=False, widget=forms.HiddenInput(attrs={"data-geo": "geoname_id"}))

    class Meta:
        model = Location
        fields = ["name", "street_address", "postal_code", "city", "country", "latitude", "longitude", "directions"]
        widgets = {
            "directions": forms.Textarea(attrs={"rows": 3}),
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"data-geo": "city"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("Choose a country")), *country_choices()]
        self.fields["country"].widget.attrs["data-geo"] = "country"
        if self.instance.pk:
            self.fields["city_geoname_id"].initial = self.instance.city_geoname_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "latitude" in cleaned and "longitude" in cleaned:
            try:
                cleaned["latitude"], cleaned["longitude"] = check_coordinates(cleaned["latitude"], cleaned["longitude"])
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        return cleaned

    def _post_clean(self) -> None:
        # The service validates the model (and finds the time zone); the form
        # only parses. Skipping the ModelForm's own model validation keeps the
        # unparsed coordinate strings off the model.
        pass

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "capacity", "is_accessible"]
        widgets = {"capacity": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"})}


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@example.com"}),
    )
    role = forms.ChoiceField(label=_("Role"))
    # Set when inviting the person behind an existing instructor profile: their
    # account is linked to it on acceptance.
    instructor_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any role parses; the service refuses (403) a role the inviter may not grant.
        # The menu offers only the grantable ones.
        field = cast(forms.ChoiceField, self.fields["role"])
        field.choices = Role.choices
        field.widget.choices = [(v, label) for v, label in Role.choices if v in roles]
        self.fields["role"].initial = Role.INSTRUCTOR if Role.INSTRUCTOR in roles else None


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InstructorForm(ImageCleaningMixin, forms.ModelForm):
    image_fields = ("photo",)
    languages = LanguagesField(label=_("Languages spoken"))

    class Meta:
        model = Instructor
        fields = [
            "name",
            "photo",
            "headline",
            "bio",
            "languages",
            "years_experience",
            "website",
            "linkedin_url",
            "instagram_url",
            "youtube_url",
            "is_active",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 6}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "years_experience": forms.NumberInput(attrs={"min": 0, "max": 80, "inputmode": "numeric"}),
            "linkedin_url": forms.URLInput(attrs={"placeholder": "https://www.linkedin.com/in/…"}),
            "instagram_url": forms.URLInput(attrs={"placeholder": "https://www.instagram.com/…"}),
            "youtube_url": forms.URLInput(attrs={"placeholder": "https://www.youtube.com/@…"}),
        }
        help_texts = {
            "photo": _("A friendly, well-lit portrait. JPEG, PNG or WebP, up to 5 MB."),
            "bio": _("Your teaching story: background, approach, what students can expect. Simple Markdown works."),
        }

    def __init__(self, *args: Any, can_hide: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_hide:
            del self.fields["is_active"]

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "photo"}
        data.update(image_changes(self.cleaned_data, ("photo",)))
        return data


class CredentialForm(forms.ModelForm):
    class Meta:
        model = InstructorCredential
        fields = ["kind", "title", "issuer", "year", "verification_url"]
        widgets = {"year": forms.NumberInput(attrs={"min": 1900, "max": 2100, "inputmode": "numeric"})}


class DeleteSchoolForm(forms.Form):
    confirm_slug = forms.CharField(label=_("Type the school's web address to confirm"), max_length=60)


class CitySearchForm(forms.Form):
    q = forms.CharField(label=_("Find your city"), max_length=80, required=False)
