"""Reading an uploaded catalogue: CSV (UTF-8, comma, semicolon or tab) or
XLSX (the first sheet). The first row names the columns. Every problem is a
ValidationError with a message a school can act on."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows, each as long as `headers`

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.headers, row, strict=True)) for row in self.rows]


def file_format(filename: str) -> str:
    """'csv' or 'xlsx' from the file's name, else a ValidationError."""
    name = filename.lower()
    for fmt in FORMATS:
        if name.endswith("." + fmt):
            return fmt
    raise ValidationError(
        _("“%(name)s” is not a CSV or XLSX file. Export your catalogue as CSV (UTF-8) or Excel (.xlsx).")
        % {"name": filename},
        code="format",
    )


def check_size(size: int) -> None:
    if size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is too big (%(size)s); the most it may be is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)},
            code="too_big",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")


def _csv_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:8192]:
        raise ValidationError(
            _("This file is not a CSV text file. Export your catalogue as CSV (UTF-8) or Excel (.xlsx)."),
            code="format",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _(
                "The file is not in UTF-8 (the first unreadable byte is at position %(position)s). "
                "Save it as “CSV UTF-8” and upload it again."
            )
            % {"position": exc.start},
            code="encoding",
        ) from exc
    # The header row's most frequent separator (csv.Sniffer guesses quoting
    # wrongly on long quoted texts, so only the separator is chosen here).
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    dialect = csv.excel
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline=""), dialect, delimiter=delimiter):
            if any(c.strip() for c in row):
                rows.append(row)
                _check_count(len(rows))
        return rows
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file could not be read: %(problem)s.") % {"problem": str(exc)}, code="format"
        ) from exc


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(
            _("This file is not an Excel workbook (.xlsx). Export your catalogue as CSV (UTF-8) or Excel (.xlsx)."),
            code="format",
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            row = ["" if v is None else _cell(v) for v in values]
            if any(c.strip() for c in row):
                rows.append(row)
                _check_count(len(rows))
        return rows
    finally:
        workbook.close()


def _check_count(rows: int) -> None:
    """Stop reading as soon as a file holds more rows than an import takes
    (the header is one of them), before it fills the memory."""
    if rows - 1 > settings.IMPORT_MAX_ROWS:
        raise ValidationError(
            _("The file has more than %(limit)s rows; an import takes at most %(limit)s. Split it into smaller files.")
            % {"limit": settings.IMPORT_MAX_ROWS},
            code="too_many_rows",
        )


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(data: bytes, *, fmt: str) -> Table:
    """The file's header and data rows; a ValidationError for a file that is
    empty, too big, unreadable or in another encoding."""
    check_size(len(data))
    raw = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)
    if not raw:
        raise ValidationError(_("The file is empty."), code="empty")
    headers: list[str] = []
    for position, name in enumerate(raw[0], start=1):
        name = name.strip() or _("Column %(number)s") % {"number": position}
        unique, n = name, 2
        while unique in headers:
            unique, n = f"{name} ({n})", n + 1
        headers.append(unique)
    rows = [(row + [""] * len(headers))[: len(headers)] for row in raw[1:]]
    if not rows:
        raise ValidationError(
            _("The file has a header row but no courses under it."),
            code="empty",
        )
    return Table(headers=headers, rows=rows)
