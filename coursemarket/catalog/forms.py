from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import formats, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coursemarket.schools.geo import fold, search_cities

from .models import DeliveryMode, Level, teaching_language_choices
from .selectors import (
    RADIUS_DEFAULT_KM,
    RADIUS_MAX_KM,
    RADIUS_MIN_KM,
    RATING_STEPS,
    TIMES_OF_DAY,
    ListingFilters,
    Place,
    category_tree,
)

WEEKDAY_CHOICES = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]
TIME_OF_DAY_CHOICES = [
    ("morning", _("Morning (before noon)")),
    ("afternoon", _("Afternoon (noon–5 pm)")),
    ("evening", _("Evening (after 5 pm)")),
]
assert [key for key, _label in TIME_OF_DAY_CHOICES] == list(TIMES_OF_DAY)
RADIUS_CHOICES = [(str(km), _("%(km)s km") % {"km": km}) for km in (5, 10, 25, 50, 100)]

SORT_CHOICES = [
    ("", _("Best match")),  # nearest first near a place, else soonest (the text search: most relevant)
    ("soonest", _("Soonest first")),
    ("distance", _("Nearest first")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
    ("rating", _("Best rated")),
    ("relevance", _("Best match")),
]


def _online_words() -> set[str]:
    """ "online" as a visitor may type it in any of our languages ("en ligne", "عبر الإنترنت"…)."""
    words = {"online"}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.add(gettext("Online").casefold())
            words.add(gettext("online").casefold())
    return words


def normalise_city(city: str) -> str:
    city = " ".join(city.split())
    return "online" if city.casefold() in _online_words() else city


class TaughtInField(forms.ChoiceField):
    """The language a course is taught in (`Course.teaching_language`; sessions
    have none of their own), named in the reader's language. A regional or
    script variant reads as the language a course can be taught in ("pt-br"
    → pt, "zh" → zh-hans, "JA" → ja); an unknown code is an error shown next
    to the field and the filter is left out, like every listing filter."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not a language courses are taught in, so every language is shown."),
    }

    def to_python(self, value: object) -> str:
        code = str(super().to_python(value)).strip().lower().replace("_", "-")
        known = {str(key) for key, _label in self.choices}  # type: ignore[misc,union-attr]
        if not code or code in known:
            return code
        base = code.split("-")[0]
        return next((c for c in (base, f"{base}-hans") if c in known), code)


class ListingForm(forms.Form):
    """The listing's filters, read from the query string. Invalid values are
    reported next to their field and left out of the search."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False)
    city = forms.CharField(label=_("Near a city"), required=False, max_length=100)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = forms.IntegerField(
        label=_("Within"),
        required=False,
        min_value=RADIUS_MIN_KM,
        max_value=RADIUS_MAX_KM,
        widget=forms.Select(choices=RADIUS_CHOICES),
    )
    online = forms.BooleanField(label=_("Online sessions"), required=False)
    mode = forms.ChoiceField(label=_("Delivery"), required=False, choices=[("", _("Any")), *list(DeliveryMode.choices)])
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("Any")), *list(Level.choices)])
    language = TaughtInField(label=_("Taught in"), required=False)
    price_min = forms.DecimalField(label=_("Price from"), required=False, min_value=0, max_digits=10, decimal_places=2)
    price_max = forms.DecimalField(label=_("Price to"), required=False, min_value=0, max_digits=10, decimal_places=2)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    has_seats = forms.BooleanField(label=_("Only with seats left"), required=False)
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any day")), *WEEKDAY_CHOICES],
    )
    time_of_day = forms.ChoiceField(
        label=_("Time of day"), required=False, choices=[("", _("Any time")), *TIME_OF_DAY_CHOICES]
    )
    rating_min = forms.TypedChoiceField(
        label=_("Rating"),
        required=False,
        coerce=Decimal,
        empty_value=None,
        choices=[
            ("", _("Any rating")),
            *[(str(step), _("%(stars)s stars and up") % {"stars": step}) for step in RATING_STEPS],
        ],
    )
    school = forms.SlugField(label=_("School"), required=False, max_length=80, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    field_order = ["q", "city", "radius", "online", "lat", "lng"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.is_bound and not self.data.get("radius"):
            # The radius select shows the radius a place is searched with when none is chosen.
            data = self.data.copy()  # type: ignore[attr-defined]
            data["radius"] = str(RADIUS_DEFAULT_KM)
            self.data = data
        choices: list[tuple[str, str]] = [("", str(_("All categories")))]
        for root, children in category_tree():
            choices.append((root.slug, root.name))
            choices += [(child.slug, f"— {child.name}") for child in children]
        self.fields["category"].choices = choices  # type: ignore[attr-defined]
        self.fields["language"].choices = [("", _("Any")), *teaching_language_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The highest price must be at least the lowest."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        if (
            (data.get("lat") is None) != (data.get("lng") is None)
            and "lat" not in self.errors
            and "lng" not in self.errors
        ):
            self.add_error("lat", _("A position needs both a latitude and a longitude."))
            data.pop("lat", None)
            data.pop("lng", None)
        city = normalise_city(data.get("city") or "")
        if city == "online":
            data["online"], data["city"] = True, ""
        else:
            data["city"] = city
        self.place = self._place(data)
        if data.get("sort") == "distance" and self.place is None:
            self.add_error("sort", _("Sorting by distance needs a city or your position."))
        return data

    def _place(self, data: dict[str, object]) -> Place | None:
        """Where to search around: the browser's position, else the city
        typed, found in the offline gazetteer (biggest of that name)."""
        radius = float(data.get("radius") or RADIUS_DEFAULT_KM)  # type: ignore[arg-type]
        lat, lng = data.get("lat"), data.get("lng")
        if isinstance(lat, float) and isinstance(lng, float):
            return Place(lat, lng, radius, str(_("your position")))
        city = str(data.get("city") or "")
        if city:
            found = search_cities(city, limit=1)
            if found and len(fold(city)) >= 3:
                return Place(found[0].latitude, found[0].longitude, radius, found[0].name)
        return None

    def filters(self) -> ListingFilters:
        """The valid part of the input as filters (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        place = getattr(self, "place", None)
        sort = data.get("sort") or (
            "relevance" if (data.get("q") or "").strip() else ("distance" if place else "soonest")
        )
        return ListingFilters(
            q=(data.get("q") or "").strip(),
            category=data.get("category") or "",
            city="" if place else (data.get("city") or ""),
            near=place,
            online=bool(data.get("online")),
            mode=data.get("mode") or "",
            level=data.get("level") or "",
            language=data.get("language") or "",
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            has_seats=bool(data.get("has_seats")),
            weekday=data.get("weekday"),
            time_of_day=data.get("time_of_day") or "",
            rating_min=data.get("rating_min"),
            school=data.get("school") or "",
            sort=sort,
        )

    def active_count(self) -> int:
        data = getattr(self, "cleaned_data", {})
        keys = ("category", "city", "online", "mode", "level", "language", "price_min", "price_max", "date_from",
                "date_to", "has_seats", "weekday", "time_of_day", "rating_min", "school")  # fmt: skip
        near_me = data.get("lat") is not None and not data.get("city")
        return sum(1 for key in keys if data.get(key) not in (None, "", False)) + near_me

    def show_counts(self, facets: dict[str, dict[str, int]]) -> None:
        """Put each option's facet count in its label: "Beginner (12)"."""
        for name, group in (
            ("category", "category"),
            ("level", "level"),
            ("mode", "mode"),
            ("language", "language"),
            ("weekday", "weekday"),
            ("time_of_day", "time_of_day"),
            ("rating_min", "rating"),
        ):
            counts = facets.get(group)
            if counts is None:
                continue
            field = self.fields[name]
            field.choices = [  # type: ignore[attr-defined]
                (value, label if value in ("", None) else f"{label} ({counts.get(str(value), 0)})")
                for value, label in field.choices  # type: ignore[attr-defined]
            ]

    def chips(self, query: QueryDict) -> list[tuple[str, str]]:
        """The active filters as (label, address without it), for the removable chips."""
        data = getattr(self, "cleaned_data", {})
        chips: list[tuple[str, str]] = []

        def without(*names: str) -> str:
            params = query.copy()
            for name in (*names, "page"):
                params.pop(name, None)
            return "?" + params.urlencode()

        place = getattr(self, "place", None)
        if place is not None:
            radius = int(place.radius_km)
            label = gettext("Within %(km)s km of %(place)s") % {"km": radius, "place": place.label}
            chips.append((label, without("city", "lat", "lng", "radius")))
        elif data.get("city"):
            chips.append((gettext("In %(city)s") % {"city": data["city"]}, without("city", "radius")))
        if data.get("online"):
            chips.append(
                (gettext("Online sessions"), without("online", "city") if query.get("city") else without("online"))
            )
        for name in ("mode", "level", "language", "weekday", "time_of_day", "rating_min"):
            value = data.get(name)
            if value in (None, ""):
                continue
            field = self.fields[name]
            shown = dict((str(k), v) for k, v in field.choices).get(str(value), value)  # type: ignore[attr-defined]
            shown = str(shown).rsplit(" (", 1)[0]  # without its count
            chips.append((gettext("%(filter)s: %(value)s") % {"filter": field.label, "value": shown}, without(name)))
        for name in ("price_min", "price_max", "date_from", "date_to"):
            value = data.get(name)
            if value is not None:
                shown = formats.localize(value)
                label = gettext("%(filter)s: %(value)s") % {"filter": self.fields[name].label, "value": shown}
                chips.append((label, without(name)))
        if data.get("has_seats"):
            chips.append((str(self.fields["has_seats"].label), without("has_seats")))
        if data.get("school"):
            chips.append((gettext("School: %(school)s") % {"school": data["school"]}, without("school")))
        return chips
