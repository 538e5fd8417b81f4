from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import DeliveryMode, Level, teaching_language_choices
from .selectors import ListingFilters, category_tree

SORT_CHOICES = [
    ("soonest", _("Soonest first")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
    ("rating", _("Best rated")),
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


class ListingForm(forms.Form):
    """The listing's filters, read from the query string. Invalid values are
    reported next to their field and left out of the search."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False)
    city = forms.CharField(label=_("City or “online”"), required=False, max_length=100)
    mode = forms.ChoiceField(label=_("Delivery"), required=False, choices=[("", _("Any")), *list(DeliveryMode.choices)])
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("Any")), *list(Level.choices)])
    language = forms.ChoiceField(label=_("Taught in"), required=False)
    price_min = forms.DecimalField(label=_("Price from"), required=False, min_value=0, max_digits=10, decimal_places=2)
    price_max = forms.DecimalField(label=_("Price to"), required=False, min_value=0, max_digits=10, decimal_places=2)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    has_seats = forms.BooleanField(label=_("Only with seats left"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
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
        return data

    def filters(self) -> ListingFilters:
        """The valid part of the input as filters (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        return ListingFilters(
            q=(data.get("q") or "").strip(),
            category=data.get("category") or "",
            city=normalise_city(data.get("city") or ""),
            mode=data.get("mode") or "",
            level=data.get("level") or "",
            language=data.get("language") or "",
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            has_seats=bool(data.get("has_seats")),
            sort=data.get("sort") or "soonest",
        )

    def active_count(self) -> int:
        data = getattr(self, "cleaned_data", {})
        keys = ("category", "city", "mode", "level", "language", "price_min", "price_max", "date_from", "date_to",
                "has_seats")  # fmt: skip
        return sum(1 for key in keys if data.get(key) not in (None, "", False))
