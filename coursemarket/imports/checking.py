"""From a read table to the courses to write: cells by the school's column
mapping or by a preset, duplicates, per-row checks; then the writing, in
chunks through catalog's `courses_import`, with progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coursemarket.catalog.services import ImportedCourse, courses_import
from coursemarket.schools.models import School

from .fields import FIELDS, HEADER_GUESSES, CategoryFinder, Options, RowError, _norm, check_row
from .presets import Preset, merge_skills
from .reading import Table

CHUNK = 500


@dataclass
class Source:
    """Where each field's cell comes from: a column mapping (field → header)
    or a preset."""

    columns: dict[str, str] = field(default_factory=dict)
    preset: Preset | None = None

    def cells(self, record: dict[str, str]) -> dict[str, str]:
        if self.preset is not None:
            return self.preset.transform(record)
        return {name: record.get(header, "") for name, header in self.columns.items() if header}

    def column_names(self) -> dict[str, str]:
        return dict(self.preset.columns) if self.preset is not None else dict(self.columns)


@dataclass
class Checked:
    total: int
    rows: list[ImportedCourse]
    errors: list[RowError]

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


def guess_mapping(headers: list[str], saved: dict[str, str]) -> dict[str, str]:
    """The mapping to preselect for a file: the school's saved one where the
    file has that column, else a column whose name says which field it is."""
    result: dict[str, str] = {}
    normalised = {_norm(h): h for h in headers}
    for name in FIELDS:
        if saved.get(name) in headers:
            result[name] = saved[name]
            continue
        for guess in (_norm(name), _norm(str(FIELDS[name])), *HEADER_GUESSES.get(name, ())):
            header = normalised.get(_norm(guess))
            if header is not None and header not in result.values():
                result[name] = header
                break
    return result


def check_table(table: Table, *, source: Source, options: Options) -> Checked:
    columns = source.column_names()
    categories = CategoryFinder()
    prepared: list[tuple[int, dict[str, str]]] = []
    by_key: dict[str, int] = {}  # external id → position in `prepared`
    errors: list[RowError] = []
    for number, record in enumerate(table.records(), start=2):
        cells = source.cells(record)
        key = cells.get("external_id", "").strip()
        if key and key in by_key:
            first_number, first = prepared[by_key[key]]
            if source.preset is not None and source.preset.merge_duplicates:
                merge_skills(first, cells)
            else:
                errors.append(
                    RowError(
                        number, "external_id", columns.get("external_id", ""), "duplicate_id", {"other": first_number}
                    )
                )
            continue
        if key:
            by_key[key] = len(prepared)
        prepared.append((number, cells))
    rows: list[ImportedCourse] = []
    for number, cells in prepared:
        course, row_errors = check_row(cells, row=number, columns=columns, categories=categories, options=options)
        if course is not None:
            rows.append(course)
        errors.extend(row_errors)
    errors.sort(key=lambda e: (e.row, list(FIELDS).index(e.field) if e.field in FIELDS else 99))
    return Checked(total=len(table.rows), rows=rows, errors=errors)


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


def write_rows(
    *,
    actor: Any | None,
    school: School,
    rows: list[ImportedCourse],
    publish: bool,
    columns: dict[str, str],
    progress: Callable[[int, Written], None] | None = None,
) -> Written:
    """Write the checked rows in chunks (one transaction each), calling
    `progress(rows done, counts so far)` after each."""
    written = Written()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        outcome = courses_import(actor=actor, school=school, rows=chunk, publish=publish)
        written.created += len(outcome.created)
        written.updated += len(outcome.updated)
        for index, name, reason in outcome.skipped:
            written.errors.append(RowError(index, name, columns.get(name, ""), "not_written", {"reason": reason}))
        if progress is not None:
            progress(start + len(chunk), written)
    return written
