"""The demo's content: the JSON and CSV files in `data/`, shipped inside the
package (read through importlib.resources, so it works wherever the package is)."""

from __future__ import annotations

import csv
import io
import json
from importlib.resources import files
from typing import Any


def _text(name: str) -> str:
    return files("coursemarket.demo").joinpath("data", name).read_text(encoding="utf-8")


def read_json(name: str) -> Any:
    return json.loads(_text(name))


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of a CSV file with a header line, as dicts (every value a string)."""
    return list(csv.DictReader(io.StringIO(_text(name), newline="")))
