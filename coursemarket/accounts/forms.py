from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coursemarket.catalog.models import Category
from coursemarket.core.demographics import SMALLEST_GROUP, AgeBand, Gender
from coursemarket.core.images import check_image
from coursemarket.core.languages import interface_languages
from coursemarket.schools.geo_names import country_choices

from .models import NotificationPreferences, User
from .selectors import interest_choices, is_valid_timezone, spoken_language_choices, timezone_choices


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gains (ACCOUNT_SIGNUP_FORM_CLASS)."""

    field_order = ["display_name", "email", "password1", "password2"]

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        required=False,
        help_text=_("How schools and other students see you. You can change it later."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth calls this after saving the user; the adapter already stored the name."""


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("Shown on your reviews and to the schools you book with."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
        error_messages={"required": _("Please enter the name you want others to see.")},
    )
    avatar = forms.FileField(
        label=_("Profile picture"),
        required=False,
        help_text=_("A JPEG, PNG or WebP image of at most 5 MB. It is resized to at most 512 × 512 pixels."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my profile picture"), required=False)
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=600,
        required=False,
        help_text=_("A few sentences for your teachers: what you do, what you want to learn and why."),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "dir": "auto"}),
    )
    languages_spoken = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-grid"}),
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("Interests"),
        queryset=Category.objects.all(),
        required=False,
        help_text=_("We use them to suggest courses you may like."),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-grid"}),
    )

    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        widget=forms.Select(attrs={"autocomplete": "country"}),
        error_messages={"invalid_choice": _("Please choose a country from the list.")},
    )
    age_band = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[("", _("Not given")), *AgeBand.choices],
        error_messages={"invalid_choice": _("Please choose an age band from the list.")},
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", _("Not given")), *Gender.choices],
        error_messages={"invalid_choice": _("Please choose one of the options.")},
    )
    share_with_schools = forms.BooleanField(
        label=_("Share these with schools I book with"),
        required=False,
        widget=forms.CheckboxInput(attrs={"role": "switch"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["country"].choices = [("", _("Not given")), *country_choices()]  # type: ignore[attr-defined]
        self.fields["share_with_schools"].help_text = ngettext(
            "Only the schools you have booked with see them, and only as counts on their audience page: how many "
            "of their students are in each country, city, language, age band and gender. They never see which "
            "student gave which answer, and a group of fewer than %(count)d student is never shown. Off until "
            "you turn it on; turning it off stops it at once.",
            "Only the schools you have booked with see them, and only as counts on their audience page: how many "
            "of their students are in each country, city, language, age band and gender. They never see which "
            "student gave which answer, and a group of fewer than %(count)d students is never shown. Off until "
            "you turn it on; turning it off stops it at once.",
            SMALLEST_GROUP,
        ) % {"count": SMALLEST_GROUP}
        self.fields["languages_spoken"].choices = spoken_language_choices()  # type: ignore[attr-defined]
        self.fields["interests"].choices = interest_choices()  # type: ignore[attr-defined]
        if not user.avatar:
            del self.fields["remove_avatar"]

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("Please enter the name you want others to see."), code="required")
        return name

    def clean_avatar(self) -> Any:
        avatar = self.cleaned_data.get("avatar")
        if avatar:
            check_image(avatar, size=avatar.size, min_side=1)
        return avatar


def own_language_choices() -> list[tuple[str, str]]:
    """The site's languages, each named in itself ("Español", "العربية",
    "Português (Brasil)", "日本語"; CLDR through core/languages.py), as
    the footer's switcher shows them: a reader looks for their own language's
    name, not its name in a language they may not read."""
    return [(language.code, language.name_local) for language in interface_languages()]


class OwnLanguageSelect(forms.Select):
    """Each option marked with its language (lang="ar"), so that screen
    readers and fonts treat "العربية" as Arabic on an English page."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = str(value)
        return option


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=own_language_choices,
        widget=OwnLanguageSelect,
        help_text=_("The site switches to it whenever you sign in."),
    )
    timezone = forms.CharField(
        label=_("Time zone"),
        help_text=_("Class times, deadlines and receipts are shown in this time zone."),
        widget=forms.Select(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].widget.choices = timezone_choices()

    def clean_timezone(self) -> str:
        zone: str = self.cleaned_data["timezone"].strip()
        if not is_valid_timezone(zone):
            raise ValidationError(
                _("“%(zone)s” is not a time zone we know. Please choose one from the list."),
                code="invalid_timezone",
                params={"zone": zone},
            )
        return zone


class NotificationPreferencesForm(forms.ModelForm):
    """The email switches, the push switches and the quiet hours (the page
    shows them in three groups: email_fields, push_fields, quiet_fields)."""

    class Meta:
        model = NotificationPreferences
        fields = [
            *NotificationPreferences.category_fields(),
            *NotificationPreferences.push_fields(),
            "quiet_hours_start",
            "quiet_hours_end",
        ]
        widgets = {
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, school_staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not school_staff:  # the school categories mean nothing to a student
            for name in NotificationPreferences.SCHOOL_FIELDS:
                self.fields.pop(name, None)
        for name, field in self.fields.items():
            if name.startswith("quiet_hours"):
                field.widget.attrs.update({"class": "form-control"})
            else:
                field.widget.attrs.update({"class": "form-check-input", "role": "switch"})

    def _group(self, names: list[str]) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]

    def email_fields(self) -> list[forms.BoundField]:
        return self._group(NotificationPreferences.category_fields())

    def push_fields(self) -> list[forms.BoundField]:
        return self._group(NotificationPreferences.push_fields())

    def quiet_fields(self) -> list[forms.BoundField]:
        return self._group(["quiet_hours_start", "quiet_hours_end"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if (start is None) != (end is None) or (start is not None and start == end):
            raise ValidationError(
                _("Give both ends of your quiet hours, and different times — or leave both empty."),
                code="quiet_hours",
            )
        return data


class PasswordConfirmForm(forms.Form):
    """Asks for the account's password before a sensitive action."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That password is not right. Please try again."), code="wrong_password")
        return password
