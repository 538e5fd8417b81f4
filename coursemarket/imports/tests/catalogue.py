"""A school's own catalogue file for tests: `count` courses, some rows bad."""

from __future__ import annotations

import csv
import io

HEADER = ["Code", "Course name", "Teaser", "About", "Subject", "Tags", "Difficulty", "Format", "Fee", "Cur", "Hours"]

# Row number in the file (header = 1) → (column, bad value, the message's start).
BAD = {
    5: ("Fee", "cheap", "“cheap” is not a price"),
    9: ("Subject", "Astrology", "No category is called “Astrology”"),
    14: ("Difficulty", "godlike", "“godlike” is not a level"),
}


def catalogue_csv(count: int = 200, *, bad: bool = True, title_prefix: str = "Spanish for travellers") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(1, count + 1):
        row = {
            "Code": f"SP-{n:04d}",
            "Course name": f"{title_prefix} {n}",
            "Teaser": f"Part {n} of our travel series.",
            "About": f"Lesson plan {n}: ordering food, asking the way, small talk.",
            "Subject": "Spanish",
            "Tags": "listening, small talk" if n % 2 else "grammar",
            "Difficulty": "Beginner" if n % 3 else "Intermediate",
            "Format": "In person",
            "Fee": f"{100 + n}.50",
            "Cur": "EUR",
            "Hours": "12",
        }
        file_row = n + 1
        if bad and file_row in BAD:
            column, value, _message = BAD[file_row]
            row[column] = value
        writer.writerow([row[h] for h in HEADER])
    return out.getvalue().encode("utf-8")


MAPPING = {
    "external_id": "Code",
    "title": "Course name",
    "summary": "Teaser",
    "description": "About",
    "category": "Subject",
    "skills": "Tags",
    "level": "Difficulty",
    "delivery_mode": "Format",
    "price": "Fee",
    "currency": "Cur",
    "duration_hours": "Hours",
}
