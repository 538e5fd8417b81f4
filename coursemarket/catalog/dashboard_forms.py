"""Forms of the school dashboard's course and session editor."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coursemarket.schools.models import Instructor, Location, Room, School

from .models import Category, Course, teaching_language_choices
from .selectors import category_tree
from .services import MeetingInput, SessionInput

CURRENCIES = ["EUR", "USD", "GBP", "JPY", "EGP", "MXN", "AUD", "CAD", "CHF", "BRL", "AED", "MAD"]


def category_choices() -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = [("", _("Choose a category"))]
    for root, children in category_tree():
        groups.append((root.name, [(root.id, root.name)] + [(child.id, child.name) for child in children]))
    return groups


class CourseForm(forms.ModelForm):
    skill_tags = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=500,
        help_text=_("Separate with commas, e.g. “listening, small talk, past tense”."),
    )
    category_id = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in CURRENCIES])
    teaching_language = forms.ChoiceField(label=_("Taught in"))

    class Meta:
        model = Course
        fields = [
            "title", "summary", "description", "language", "level", "teaching_language", "delivery_mode",
            "duration_hours", "price", "currency", "included", "prerequisites", "audience", "min_group_size",
            "max_group_size", "cancellation_policy",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "included": forms.Textarea(attrs={"rows": 3}),
            "prerequisites": forms.Textarea(attrs={"rows": 3}),
            "audience": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = category_choices()  # type: ignore[attr-defined]
        self.fields["teaching_language"].choices = teaching_language_choices()  # type: ignore[attr-defined]
        self.fields["min_group_size"].label = _("Min. group")
        self.fields["max_group_size"].label = _("Max. group")
        self.fields["price"].help_text = _("Per seat. Leave empty while drafting; 0 makes the course free.")
        self.fields["language"].help_text = _("The language the title and description above are written in.")
        # No made-up length: a new course's hours stay empty until the school gives them.
        self.fields["duration_hours"].initial = None
        self.fields["duration_hours"].help_text = _("All the meetings together, e.g. 24.")
        if self.instance.pk:
            self.initial["category_id"] = self.instance.category_id
            self.initial["skill_tags"] = ", ".join(s.name for s in self.instance.skills.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_group_size"), data.get("max_group_size")
        if low is not None and high is not None and low > high:
            self.add_error("min_group_size", _("The minimum group size cannot be larger than the maximum."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        category_id = self.cleaned_data.get("category_id")
        data["category"] = Category.objects.filter(pk=category_id).first() if category_id else None
        return data

    def skill_list(self) -> list[str]:
        return [tag for tag in (self.cleaned_data.get("skill_tags") or "").split(",") if tag.strip()]


class TranslationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=140, required=False,
                            help_text=_("Leave empty to remove this translation."))  # fmt: skip
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    cover_alt = forms.CharField(
        label=_("Cover description"),
        max_length=200,
        required=False,
        help_text=_("What the cover picture shows, in this language, for people who cannot see it."),
    )
    approved = forms.BooleanField(
        label=_("I have reviewed this machine translation"),
        required=False,
        help_text=_("Until then, students see it labelled as a machine translation that nobody has reviewed."),
    )

    def __init__(self, *args: Any, machine_draft: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not machine_draft:
            del self.fields["approved"]


class PictureUploadForm(forms.Form):
    """A new picture: the cover, or one more for the gallery. The description
    is checked by the service (a translated error, nothing stored)."""

    image = forms.FileField(
        label=_("Picture"),
        help_text=_("JPEG, PNG or WebP, up to 5 MB, at least 200 pixels each way. Wide pictures work best."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt_text = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    as_cover = forms.BooleanField(label=_("Use as the course's cover"), required=False)


class PictureEditForm(forms.Form):
    """A picture's description, its translations and its focal point."""

    alt_text = forms.CharField(label=_("Description"), max_length=200, required=False)
    focus_x = forms.IntegerField(label=_("Focal point across (%)"), min_value=0, max_value=100)
    focus_y = forms.IntegerField(label=_("Focal point down (%)"), min_value=0, max_value=100)

    def __init__(self, *args: Any, languages: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.languages = list(languages)
        for code, name in self.languages:
            self.fields[f"alt_{code}"] = forms.CharField(
                label=_("Description in %(language)s") % {"language": name}, max_length=200, required=False
            )
            self.fields[f"alt_{code}"].widget.attrs.update({"lang": code, "dir": "rtl" if code == "ar" else "ltr"})

    def translations(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"alt_{code}") or "" for code, _name in self.languages}


def _zone_choices() -> list[tuple[str, str]]:
    return [
        (name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name and not name.startswith("Etc")
    ]


class SessionForm(forms.Form):
    is_online = forms.BooleanField(label=_("Online session"), required=False)
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none(), required=False)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("For online sessions. In-person sessions use their location's time zone."),
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10000)
    price_override = forms.DecimalField(
        label=_("Price for this session"), required=False, min_value=0, max_digits=10, decimal_places=2,
        help_text=_("Leave empty to use the course price."),
    )  # fmt: skip
    booking_deadline = forms.DateTimeField(
        label=_("Booking deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Local time of the session. Leave empty to take bookings until the first meeting."),
    )  # fmt: skip
    instructors = forms.ModelMultipleChoiceField(
        label=_("Instructors"), queryset=Instructor.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["location"].queryset = Location.objects.filter(school=school)  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.filter(location__school=school).select_related(  # type: ignore[attr-defined]
            "location"
        )
        self.fields["instructors"].queryset = Instructor.objects.filter(school=school, is_active=True)  # type: ignore[attr-defined]
        self.fields["timezone"].choices = [("", _("Choose a time zone")), *_zone_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_online"):
            if not data.get("timezone"):
                self.add_error("timezone", _("Choose the time zone the meeting times are in."))
        elif data.get("location") is None:
            self.add_error("location", _("Choose where the session takes place."))
        return data

    def zone(self) -> str:
        data = self.cleaned_data
        if not data.get("is_online") and data.get("location") is not None:
            return str(data["location"].timezone)
        return str(data.get("timezone") or settings.TIME_ZONE)


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("A meeting must end after it starts."))
        return data


# Three blank rows after the existing meetings (blank rows are ignored); the
# "add a meeting" button clones more in the browser.
MeetingFormSet = forms.formset_factory(MeetingForm, extra=3, min_num=1, validate_min=True, max_num=200, can_delete=True)


def session_input(form: SessionForm, meetings: forms.BaseFormSet) -> SessionInput:
    data = form.cleaned_data
    rows = [m.cleaned_data for m in meetings.forms if m.cleaned_data and not m.cleaned_data.get("DELETE")]
    deadline = data.get("booking_deadline")
    return SessionInput(
        timezone=form.zone(),
        capacity=data["capacity"],
        is_online=bool(data.get("is_online")),
        location=data.get("location"),
        room=data.get("room"),
        instructors=tuple(data.get("instructors") or ()),
        price_override=data.get("price_override"),
        booking_deadline_local=deadline.replace(tzinfo=None) if deadline else None,
        meetings=[
            MeetingInput(datetime.combine(row["date"], row["start"]), datetime.combine(row["date"], row["end"]))
            for row in rows
        ],
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, shown to the students"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
