"""The course fields an import can fill, how a cell becomes a value, and the
per-row checks. A problem is a RowError (row, field, column, code, params)
whose message is written in the reader's language when it is shown, so a job
checked by the worker reads right in any language later."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import get_language_info, ngettext_lazy, override
from django.utils.translation import gettext_lazy as _

from coursemarket.catalog.dashboard_forms import CURRENCIES
from coursemarket.catalog.models import TEACHING_LANGUAGES, Category, DeliveryMode, Level
from coursemarket.catalog.services import ImportedCourse

# field name → label, in the order the mapping form lists them.
FIELDS: dict[str, Promise] = {
    "external_id": _("External ID (your own course code)"),
    "title": _("Title"),
    "summary": _("Summary"),
    "description": _("Description"),
    "category": _("Category"),
    "skills": _("Skills"),
    "level": _("Level"),
    "language": _("Language of the texts"),
    "teaching_language": _("Taught in"),
    "delivery_mode": _("Delivery"),
    "price": _("Price"),
    "currency": _("Currency"),
    "duration_hours": _("Total hours"),
}

# What a column is often called, to preselect the mapping of a new file.
HEADER_GUESSES: dict[str, tuple[str, ...]] = {
    "external_id": ("external id", "external_id", "id", "course id", "course_id", "code", "course code", "sku"),
    "title": ("title", "name", "course", "course title", "course name", "course_title"),
    "summary": ("summary", "subtitle", "short description", "tagline", "headline"),
    "description": ("description", "details", "long description", "course description", "about"),
    "category": ("category", "subject", "topic"),
    "skills": ("skills", "tags", "keywords", "gained skills"),
    "level": ("level", "difficulty"),
    "language": ("language of the texts", "text language"),
    "teaching_language": ("language", "taught in", "teaching language"),
    "delivery_mode": ("delivery", "delivery mode", "format", "mode"),
    "price": ("price", "fee", "cost"),
    "currency": ("currency",),
    "duration_hours": ("hours", "duration", "duration hours", "total hours", "length"),
}

MESSAGES: dict[str, Promise] = {
    "required": _("This is empty; every course needs it."),
    "needs_for_publish": _("This is empty; a published course needs it (or import as drafts)."),
    "too_long": ngettext_lazy("Longer than %(limit)s character.", "Longer than %(limit)s characters.", "limit"),
    "unknown_category": _("No category is called “%(value)s”."),
    "unknown_level": _("“%(value)s” is not a level (write beginner, intermediate, advanced or all levels)."),
    "unknown_language": _("“%(value)s” is not a language a course can be taught in."),
    "unknown_text_language": _("“%(value)s” is not a language the site is written in."),
    "unknown_delivery": _("“%(value)s” is not a delivery mode (write in person, online or hybrid)."),
    "bad_price": _("“%(value)s” is not a price (write a number such as 49.90, or 0 or FREE)."),
    "negative_price": _("The price cannot be negative."),
    "unknown_currency": _("“%(value)s” is not a currency we accept (%(choices)s)."),
    "bad_hours": _("“%(value)s” is not a number of hours (at least 0.5)."),
    "duplicate_id": _("The same external ID as row %(other)s; each course needs its own."),
    "not_written": _("Not saved: %(reason)s"),
}


@dataclass
class RowError:
    row: int  # the row's number in the file (the header is row 1)
    field: str
    column: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params if self.params else str(MESSAGES[self.code])

    @property
    def field_label(self) -> str:
        return str(FIELDS.get(self.field, self.field))

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "column": self.column, "code": self.code, "params": self.params}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowError:
        return cls(**data)


class CellError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def _choice_table(choices: Iterable[tuple[str, Any]], extra: Mapping[str, str]) -> dict[str, str]:
    table = {_norm(k): v for k, v in extra.items()}
    for value, label in choices:
        table[_norm(value)] = value
        for code, _name in settings.LANGUAGES:
            with override(code):
                table[_norm(str(label))] = value
    return table


LEVEL_WORDS = {
    "all levels": Level.ALL, "mixed": Level.ALL, "any": Level.ALL, "everyone": Level.ALL, "all": Level.ALL,
    "beginner": Level.BEGINNER, "beginners": Level.BEGINNER, "beginner level": Level.BEGINNER,
    "introductory": Level.BEGINNER, "intro": Level.BEGINNER, "basic": Level.BEGINNER, "novice": Level.BEGINNER,
    "principiante": Level.BEGINNER, "débutant": Level.BEGINNER, "anfänger": Level.BEGINNER, "مبتدئ": Level.BEGINNER,
    "elementary": Level.ELEMENTARY,
    "intermediate": Level.INTERMEDIATE, "intermediate level": Level.INTERMEDIATE, "intermedio": Level.INTERMEDIATE,
    "intermédiaire": Level.INTERMEDIATE, "mittelstufe": Level.INTERMEDIATE, "متوسط": Level.INTERMEDIATE,
    "upper intermediate": Level.UPPER_INTERMEDIATE,
    "advanced": Level.ADVANCED, "expert": Level.ADVANCED, "expert level": Level.ADVANCED,
    "avanzado": Level.ADVANCED, "avancé": Level.ADVANCED, "fortgeschritten": Level.ADVANCED, "متقدم": Level.ADVANCED,
}  # fmt: skip

DELIVERY_WORDS = {
    "in person": DeliveryMode.IN_PERSON, "classroom": DeliveryMode.IN_PERSON, "on site": DeliveryMode.IN_PERSON,
    "onsite": DeliveryMode.IN_PERSON, "presencial": DeliveryMode.IN_PERSON, "présentiel": DeliveryMode.IN_PERSON,
    "online": DeliveryMode.ONLINE, "self paced": DeliveryMode.ONLINE, "remote": DeliveryMode.ONLINE,
    "virtual": DeliveryMode.ONLINE, "live online": DeliveryMode.ONLINE, "en línea": DeliveryMode.ONLINE,
    "hybrid": DeliveryMode.HYBRID, "blended": DeliveryMode.HYBRID, "both": DeliveryMode.HYBRID,
}  # fmt: skip

CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "chf": "CHF"}


def _language_table(codes: Iterable[str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code in codes:
        info = get_language_info(code)
        for name in (code, info["name"], info["name_local"], code.split("-")[0]):
            table[_norm(name)] = code
        for ui_code, _name in settings.LANGUAGES:
            with override(ui_code):
                table[_norm(str(get_language_info(code)["name_translated"]))] = code
    return table


_TABLES: dict[str, dict[str, str]] = {}


def _table(name: str) -> dict[str, str]:
    if name not in _TABLES:
        if name == "level":
            _TABLES[name] = _choice_table(Level.choices, LEVEL_WORDS)
        elif name == "delivery":
            _TABLES[name] = _choice_table(DeliveryMode.choices, DELIVERY_WORDS)
        elif name == "teaching":
            table = _language_table(TEACHING_LANGUAGES)
            table.update({"chinese": "zh-hans", "mandarin": "zh-hans", "中文": "zh-hans", "اللغة العربية": "ar"})
            _TABLES[name] = table
        else:
            table = _language_table([code for code, _name in settings.LANGUAGES])
            table.update({"اللغة العربية": "ar"})
            _TABLES[name] = table
    return _TABLES[name]


def _text(limit: int, *, required: bool = False) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip()
        if len(value) > limit:
            raise CellError("too_long", limit=limit)
        return value

    return parse


def parse_level(raw: str) -> str:
    try:
        return _table("level")[_norm(raw)]
    except KeyError:
        raise CellError("unknown_level", value=raw.strip()) from None


def parse_delivery(raw: str) -> str:
    try:
        return _table("delivery")[_norm(raw)]
    except KeyError:
        raise CellError("unknown_delivery", value=raw.strip()) from None


def parse_teaching_language(raw: str) -> str:
    try:
        return _table("teaching")[_norm(raw)]
    except KeyError:
        raise CellError("unknown_language", value=raw.strip()) from None


def parse_text_language(raw: str) -> str:
    try:
        return _table("text")[_norm(raw)]
    except KeyError:
        raise CellError("unknown_text_language", value=raw.strip()) from None


def _number(raw: str) -> Decimal:
    digits = re.sub(r"[^\d.,\-]", "", raw)
    if "," in digits and "." in digits:
        digits = digits.replace(",", "")
    elif "," in digits:
        digits = digits.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", digits):
        raise ValueError(raw)
    return Decimal(digits)


def parse_price(raw: str) -> Decimal:
    value = raw.strip()
    if value.lower().startswith(("free", "gratis", "gratuit", "kostenlos", "مجاني")):
        return Decimal("0.00")
    try:
        price = _number(value)
    except (ValueError, InvalidOperation):
        raise CellError("bad_price", value=value) from None
    if price < 0:
        raise CellError("negative_price")
    if price >= Decimal("100000000"):
        raise CellError("bad_price", value=value)
    return price.quantize(Decimal("0.01"))


def parse_currency(raw: str) -> str:
    value = raw.strip()
    code = CURRENCY_SYMBOLS.get(value.lower(), value.upper())
    if code not in CURRENCIES:
        raise CellError("unknown_currency", value=value, choices=", ".join(CURRENCIES))
    return code


def parse_hours(raw: str) -> Decimal:
    value = raw.strip()
    match = re.search(r"\d+(?:[.,]\d+)?", value)
    if not match:
        raise CellError("bad_hours", value=value)
    hours = Decimal(match.group(0).replace(",", ".")).quantize(Decimal("0.1"))
    if hours < Decimal("0.5") or hours >= Decimal("100000"):
        raise CellError("bad_hours", value=value)
    return hours


def parse_skills(raw: str) -> list[str]:
    return [tag.strip() for tag in re.split(r"[,;|]", raw) if tag.strip()][:40]


PARSERS: dict[str, Callable[[str], Any]] = {
    "external_id": _text(200),
    "title": _text(140),
    "summary": _text(300),
    "description": _text(20000),
    "skills": parse_skills,
    "level": parse_level,
    "language": parse_text_language,
    "teaching_language": parse_teaching_language,
    "delivery_mode": parse_delivery,
    "price": parse_price,
    "currency": parse_currency,
    "duration_hours": parse_hours,
}


class CategoryFinder:
    """Categories by slug or by name in any language, case-insensitively."""

    def __init__(self) -> None:
        self.by_key: dict[str, int] = {}
        for pk, slug in Category.objects.values_list("pk", "slug"):
            self.by_key[_norm(slug)] = pk
        translations = Category._parler_meta.root_model.objects.values_list("master_id", "name")
        for pk, name in translations:
            self.by_key.setdefault(_norm(name), pk)

    def find(self, raw: str) -> int | None:
        for option in raw.split(">")[::-1] if ">" in raw else [raw]:  # "Technology > Programming"
            found = self.by_key.get(_norm(option.replace("›", "")))
            if found is not None:
                return found
        return None


@dataclass
class Options:
    publish: bool = False
    default_category_id: int | None = None


PUBLISH_NEEDS = ("title", "description", "category", "price")


def check_row(
    values: dict[str, str], *, row: int, columns: dict[str, str], categories: CategoryFinder, options: Options
) -> tuple[ImportedCourse | None, list[RowError]]:
    """One row's cells (field → text, only the fields the file maps) → the
    course to write, or the row's errors (all of them, not just the first)."""
    errors: list[RowError] = []
    fields: dict[str, Any] = {}
    skill_tags: list[str] | None = None
    external_id = ""

    def error(name: str, code: str, **params: Any) -> None:
        errors.append(RowError(row=row, field=name, column=columns.get(name, ""), code=code, params=params))

    for name, raw in values.items():
        if name == "category":
            if raw.strip():
                pk = categories.find(raw)
                if pk is None:
                    pk = options.default_category_id
                if pk is None:
                    error(name, "unknown_category", value=raw.strip())
                fields["category"] = pk
            elif options.default_category_id is not None:
                fields["category"] = options.default_category_id
            continue
        if not raw.strip() and name not in ("title", "external_id", "summary", "description", "skills"):
            continue  # an empty optional cell keeps the course's value (or the default)
        try:
            value = PARSERS[name](raw)
        except CellError as exc:
            error(name, exc.code, **exc.params)
            continue
        if name == "skills":
            skill_tags = value
        elif name == "external_id":
            external_id = value
        else:
            fields[name] = value
    if "category" not in values and options.default_category_id is not None:
        fields["category"] = options.default_category_id
    if not fields.get("title") and not any(e.field == "title" for e in errors):
        error("title", "required")
    if options.publish:
        for name in PUBLISH_NEEDS:
            if name != "title" and fields.get(name) in (None, "") and not any(e.field == name for e in errors):
                error(name, "needs_for_publish")
    if errors:
        return None, errors
    return ImportedCourse(index=row, external_id=external_id, fields=fields, skill_tags=skill_tags), []
