"""The demo's course library (`data/courses.json`: courses as a school would
write them, before they are placed in a school) and which of them fit a school,
read from its name, tagline and description with the keyword rules in
`data/course_keywords.csv` and `data/course_fit.json`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from coursemarket.catalog.models import DeliveryMode, Level
from coursemarket.schools.models import School

from .content import read_csv, read_json

IN_PERSON, ONLINE, HYBRID = DeliveryMode.IN_PERSON.value, DeliveryMode.ONLINE.value, DeliveryMode.HYBRID.value


@dataclass(frozen=True)
class Template:
    """A course as a school would write it, before it is placed in a school."""

    category: str  # a subcategory slug, or a root slug for what fits no child (flamenco, DJ)
    title: str
    summary: str
    description: str  # Markdown
    included: str  # one item a line
    prerequisites: str
    audience: str
    level: str
    meetings: int  # weekly meetings per session
    hours: str  # length of one meeting, in hours
    price: int  # typical price per seat in euros; scaled to the local currency and price level
    skills: tuple[str, ...]
    modes: tuple[str, ...] = (IN_PERSON,)
    slot: str = "evening"  # evening (weekday), weekend (daytime) or any
    group: tuple[int, int] = (4, 12)
    countries: tuple[str, ...] = ()  # only offered by schools in these countries (empty: anywhere)
    teach: str = ""  # the teaching language when the content fixes it (language courses)
    tr: tuple[tuple[str, str, str], ...] = ()  # (language, title, summary)


SLOTS = ("evening", "weekend", "any")


def template_from(row: dict[str, Any]) -> Template:
    """One entry of courses.json: long texts are lists of lines, translations
    a {language: {title, summary}} object; an unknown key, level, delivery mode
    or time slot is an error."""
    fields = dict(row)
    lines = {name: "\n".join(fields.pop(name)) for name in ("description", "included")}
    tuples = {name: tuple(fields.pop(name)) for name in ("skills", "modes", "group", "countries") if name in fields}
    translations = fields.pop("translations", {})
    tr = tuple((language, text["title"], text["summary"]) for language, text in translations.items())
    template = Template(**fields, **lines, **tuples, tr=tr)  # type: ignore[arg-type]
    Level(template.level)
    for mode in template.modes:
        DeliveryMode(mode)
    if template.slot not in SLOTS:
        raise ValueError(f"{template.title}: time slot {template.slot!r} is not one of {SLOTS}")
    return template


LIBRARY: list[Template] = [template_from(row) for row in read_json("courses.json")]

# --- Which courses fit which school ----------------------------------------------------------------------

_FIT = read_json("course_fit.json")
GROUPS: dict[str, list[str]] = _FIT["groups"]
LANGUAGE_SUBS: dict[str, str] = _FIT["language_categories"]
COUNTRY_LANGUAGE: dict[str, str] = _FIT["country_language"]
STOPWORDS = set(_FIT["stopwords"])
# (pattern on the accent-free lowercase text, group, specific category or None, weight). A specific hit
# counts for its group too; "weak" words (studio, academy, university) only tip the balance.
KEYWORDS: list[tuple[str, str, str | None, float]] = [
    (row["pattern"], row["group"], row["category"] or None, float(row["weight"]))
    for row in read_csv("course_keywords.csv")
]
FIELD_WEIGHTS = (3.0, 2.0, 1.0)  # name, tagline, description
GROUP_SHARE = 0.3  # a group counts when it scores at least this share of the best group
POOL_MIN = 8  # widen a school's offer to neighbouring subcategories until it has this many templates


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def fitting_templates(school: School, country: str, *, has_location: bool) -> list[Template]:
    """The templates that fit the school, the best fitting first."""
    fields = [_plain(school.name), _plain(school.tagline), _plain(school.description)]
    groups: dict[str, float] = {}
    specifics: dict[str, float] = {}
    for pattern, group, specific, weight in KEYWORDS:
        regex = re.compile(pattern)
        for text, field_weight in zip(fields, FIELD_WEIGHTS, strict=True):
            hits = len(regex.findall(text))
            if hits:
                groups[group] = groups.get(group, 0) + hits * weight * field_weight
                if specific:
                    specifics[specific] = specifics.get(specific, 0) + hits * weight * field_weight
    if not groups:
        chosen = list(GROUPS)  # nothing recognisable: a spread of everything
    else:
        best = max(groups.values())
        chosen = sorted((g for g, s in groups.items() if s >= GROUP_SHARE * best), key=lambda g: -groups[g])

    local = LANGUAGE_SUBS.get(COUNTRY_LANGUAGE.get(country, ""), "")
    taught = [LANGUAGE_SUBS[code] for code in school.languages_taught or [] if code in LANGUAGE_SUBS]
    first: list[str] = []  # subcategories the school names
    later: list[str] = []  # the rest of its groups, offered when it names too few
    for group in chosen:
        named = sorted((c for c in GROUPS[group] if c in specifics), key=lambda c: -specifics[c])
        if group == "languages":
            named = named or ([local] if local else taught[:1] or ["english"])
            rest = [*taught, local, "english", *GROUPS[group]]
        else:
            rest = GROUPS[group]
        generic = groups[group] - sum(specifics.get(c, 0) for c in GROUPS[group])
        if named and generic <= sum(specifics.get(c, 0) for c in named):
            first += named  # a specialist: what it names, the rest of the group only if it names too few
            later += [c for c in rest if c and c not in named]
        else:
            first += [c for c in [*named, *rest] if c]  # speaks of the group broadly: all of it
    order = list(dict.fromkeys(first))
    words = " ".join(fields)

    def fits(template: Template) -> bool:
        if template.countries and country not in template.countries:
            return False
        return has_location or ONLINE in template.modes

    def ranked(categories: list[str]) -> list[Template]:
        rank = {slug: i for i, slug in enumerate(categories)}
        found = [t for t in LIBRARY if t.category in rank and fits(t)]

        def echo(template: Template) -> int:  # title words the school's own text uses
            title_words = set(re.findall(r"[a-z]{4,}", _plain(template.title))) - STOPWORDS
            return sum(1 for word in title_words if word in words)

        return sorted(found, key=lambda t: (rank[t.category], -echo(t), LIBRARY.index(t)))

    pool = _spread(ranked(order))
    wider: list[str] = []
    for slug in dict.fromkeys(later):
        if len(pool) + len(ranked(wider)) >= POOL_MIN:
            break
        if slug not in order:
            wider.append(slug)
    return pool + _spread(ranked(wider))


def _spread(templates: list[Template]) -> list[Template]:
    """One of each subcategory in turn, best first, so a school's offer is varied."""
    by_category: dict[str, list[Template]] = {}
    for template in templates:
        by_category.setdefault(template.category, []).append(template)
    spread: list[Template] = []
    while any(by_category.values()):
        for queue in by_category.values():
            if queue:
                spread.append(queue.pop(0))
    return spread
