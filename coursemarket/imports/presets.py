"""Presets for the column layouts of three public catalogues (the files in
`../shared/data/`): each turns a source row into the importer's cells (field
→ text), which then go through the same checks as a school's own file. Each
keeps the source's natural key as the external ID, so loading the same file
again updates the courses.

Categories: the platform's tree is small, so each source subject is mapped
onto the nearest node, written "parent > child" (the child is tried first,
then the parent). The texts stay in the source's language (English, or what
edX says); they are course content, not the site's interface."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .fields import CellError, parse_text_language


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    headers: tuple[str, ...]  # the source's columns this preset needs
    columns: dict[str, str]  # field → the source column it mostly comes from (named in errors)
    transform: Callable[[dict[str, str]], dict[str, str]]
    merge_duplicates: bool = False  # rows with the same key are one course (skills merged)


def _clip(text: str, limit: int, *, lines: bool = False) -> str:
    """At most `limit` characters, cut at a word; runs of spaces become one
    (line breaks are kept with `lines`)."""
    text = re.sub(r"[ \t]+", " ", text).strip() if lines else re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _text_language(name: str) -> str | None:
    try:
        return parse_text_language(name)
    except CellError:
        return None


EDX_CATEGORIES = {
    "Computer Science": "technology > programming",
    "Data Analysis & Statistics": "technology > data-science",
    "Design": "technology > design",
    "Engineering": "technology",
    "Electronics": "technology",
    "Physics": "technology",
    "Science": "technology",
    "Chemistry": "technology",
    "Math": "technology",
    "Energy & Earth Sciences": "technology",
    "Environmental Studies": "technology",
    "Biology & Life Sciences": "technology",
    "Architecture": "technology",
    "Business & Management": "business",
    "Economics & Finance": "business > finance",
    "Language": "languages",
    "Music": "music",
    "Art & Culture": "arts-crafts",
    "Food & Nutrition": "cooking",
    "Medicine": "sports",
    "Health & Safety": "sports",
    "Communication": "personal-development > public-speaking",
    "Literature": "personal-development > writing",
}  # other subjects (humanities, history, law, education, …): personal-development

UDEMY_CATEGORIES = {
    "Web Development": "technology > web-development",
    "Business Finance": "business > finance",
    "Musical Instruments": "music",
    "Graphic Design": "technology > design",
}

COURSERA_CATEGORIES = {
    "Business": "business",
    "Computer Science": "technology > programming",
    "Data Science": "technology > data-science",
    "Information Technology": "technology",
}


def _edx_hours(effort: str, length: str) -> str:
    """'2–3 hours per week' over '6 Weeks' → 15 (the mean effort × weeks)."""
    per_week = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", effort)[:2]]
    weeks = re.findall(r"\d+", length)
    if not per_week or not weeks:
        return ""
    return str(max(0.5, round(sum(per_week) / len(per_week) * int(weeks[0]), 1)))


def _people(names: str) -> str:
    return ", ".join(part.strip() for part in names.split("-") if part.strip())


def _edx(row: dict[str, str]) -> dict[str, str]:
    institution = row["institution"].strip()
    lines = [f"Offered by {institution}." if institution else ""]
    if row.get("instructors", "").strip():
        lines.append(f"Instructors: {_people(row['instructors'])}.")
    lines.append(row["course_description"].strip())
    syllabus = row.get("course_syllabus", "").strip()
    if syllabus and syllabus.lower() != "pending":
        lines.append("Syllabus: " + syllabus)
    cells = {
        "external_id": row["course_url"].strip(),
        "title": _clip(row["title"], 140),
        "summary": _clip(row["summary"], 300),
        "description": _clip("\n\n".join(line for line in lines if line), 20000, lines=True),
        "category": EDX_CATEGORIES.get(row["subject"].strip(), "personal-development"),
        "skills": row["subject"].strip(),
        "level": row["Level"],
        "teaching_language": row["language"],
        "delivery_mode": "online",
        "price": "0" if row["price"].strip().upper().startswith("FREE") else row.get("price_USD", ""),
        "currency": "USD",
        "duration_hours": _edx_hours(row["course_effort"], row["course_length"]),
    }
    language = _text_language(row["language"])
    if language:
        cells["language"] = language
    return cells


def _udemy(row: dict[str, str]) -> dict[str, str]:
    hours = row["content_duration"].strip()
    lectures = row["num_lectures"].strip()
    subject = row["subject"].strip()
    return {
        "external_id": row["course_id"].strip(),
        "title": _clip(row["course_title"], 140),
        "summary": _clip(f"{subject}: {lectures} lectures, {hours} hours of video.", 300),
        "description": (
            f"{row['course_title'].strip()}: a {subject} course from Udemy, "
            f"{lectures} video lectures ({hours} hours), level: {row['level'].strip()}."
        ),
        "category": UDEMY_CATEGORIES.get(subject, ""),
        "level": row["level"],
        "teaching_language": "en",
        "language": "en",
        "delivery_mode": "online",
        "price": "0" if row["is_paid"].strip().lower() == "false" else row["price"],
        "currency": "USD",
        "duration_hours": _at_least_half_hour(hours),
    }


def _at_least_half_hour(hours: str) -> str:
    """Udemy lists some courses with 0 hours of video: at least half an hour."""
    try:
        return str(max(Decimal("0.5"), Decimal(hours)))
    except ArithmeticError:
        return hours  # the checks name what is wrong with it


COURSERA_HOURS = {"Less Than 2 Hours": "1.5", "1 - 4 Weeks": "10", "1 - 3 Months": "40", "3 - 6 Months": "100"}


def _coursera(row: dict[str, str]) -> dict[str, str]:
    title, institution = row["Title"].strip(), row["Institution"].strip()
    product, skills = row["Learning Product"].strip(), row["Gained Skills"].strip()
    description = f"{title}: a {product.lower() or 'course'} from {institution} on Coursera."
    if skills:
        description += f"\n\nSkills you gain: {skills}."
    return {
        "external_id": f"{title} | {institution}",
        "title": _clip(title, 140),
        "summary": _clip(f"{product} by {institution}", 300),
        "description": description,
        "category": COURSERA_CATEGORIES.get(row["Subject"].strip(), ""),
        "skills": skills,
        "level": row["Level"],
        "teaching_language": "en",
        "language": "en",
        "delivery_mode": "online",
        # Coursera lists no prices; its courses can be audited for free.
        "price": "0",
        "currency": "USD",
        "duration_hours": COURSERA_HOURS.get(row["Duration"].strip(), ""),
    }


PRESETS: dict[str, Preset] = {
    "edx": Preset(
        name="edx",
        label="edX",
        headers=("title", "summary", "institution", "Level", "subject", "language", "course_url", "price"),
        columns={
            "external_id": "course_url",
            "title": "title",
            "summary": "summary",
            "description": "course_description",
            "category": "subject",
            "skills": "subject",
            "level": "Level",
            "teaching_language": "language",
            "language": "language",
            "delivery_mode": "course_type",
            "price": "price",
            "currency": "price",
            "duration_hours": "course_effort",
        },
        transform=_edx,
    ),
    "udemy": Preset(
        name="udemy",
        label="Udemy",
        headers=("course_id", "course_title", "is_paid", "price", "level", "content_duration", "subject"),
        columns={
            "external_id": "course_id",
            "title": "course_title",
            "summary": "subject",
            "description": "course_title",
            "category": "subject",
            "level": "level",
            "price": "price",
            "currency": "price",
            "duration_hours": "content_duration",
        },
        transform=_udemy,
    ),
    "coursera": Preset(
        name="coursera",
        label="Coursera",
        headers=("Subject", "Title", "Institution", "Learning Product", "Level", "Duration", "Gained Skills"),
        columns={
            "external_id": "Title",
            "title": "Title",
            "summary": "Institution",
            "description": "Title",
            "category": "Subject",
            "skills": "Gained Skills",
            "level": "Level",
            "duration_hours": "Duration",
        },
        transform=_coursera,
        merge_duplicates=True,
    ),
}


def merge_skills(first: dict[str, str], later: dict[str, str]) -> None:
    """A duplicate row of the same course adds its skills to the first's."""
    seen = [s.strip() for s in first.get("skills", "").split(",") if s.strip()]
    for skill in later.get("skills", "").split(","):
        if skill.strip() and skill.strip() not in seen:
            seen.append(skill.strip())
    first["skills"] = ", ".join(seen)
