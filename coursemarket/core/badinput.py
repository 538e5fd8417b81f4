"""Bad bytes are refused at the door, once, for every view.

A NUL byte cannot be stored in PostgreSQL (text, varchar and jsonb refuse it,
and the driver raises mid-request: a 500) while SQLite silently keeps it; bytes
that are not UTF-8 are turned into replacement characters by Django in one
place and raise in another (``json.loads``). None of it is ever typed by a
person or sent by a browser from our pages, so nothing is lost by refusing the
request before any view, form or query sees it:

- the path (after percent-decoding) must be UTF-8 without NUL, and no segment
  may be longer than ``MAX_VALUE`` characters (404: no page has such a name);
- every query parameter's name and value (decoded) likewise, at most
  ``MAX_VALUE`` characters each;
- header values (cookies included) must not hold a NUL;
- form bodies: urlencoded ones are checked like the query string (without the
  length limit: a course description may be long, and its form says so
  nicely), multipart field values and file names must not hold a NUL (file
  contents are the file's business);
- JSON bodies must be UTF-8 and, once parsed, hold no NUL in any key or
  string, and not nest deeper than Python can parse.

Everything else (lengths of form fields, formats, choices) stays with the
forms, which explain it next to the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest

# Longest path segment, query parameter name or value, in characters. Real
# ones are far shorter: slugs and tokens stay under 100, a `next` address or a
# search under a few hundred.
MAX_VALUE = 2000
NUL = "\x00"


class BadInputError(Exception):
    """The request holds bytes no page accepts. `not_found` when it is the
    address itself that cannot name anything (an over-long segment)."""

    def __init__(self, reason: str, *, not_found: bool = False) -> None:
        super().__init__(reason)
        self.not_found = not_found


def _text(raw: bytes, where: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInputError(f"{where} is not UTF-8") from error
    if NUL in text:
        raise BadInputError(f"{where} holds a NUL")
    return text


def _raw(value: str) -> bytes:
    """The bytes behind a WSGI/ASGI string: WSGI passes them as latin-1, ASGI
    as the (ASCII) percent-encoded text."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def check_path(request: HttpRequest) -> None:
    scope = getattr(request, "scope", None)
    if scope is not None and scope.get("raw_path"):
        raw = unquote_to_bytes(bytes(scope["raw_path"]).split(b"?", 1)[0])
    elif scope is not None:
        raw = str(scope.get("path", "")).encode("utf-8")
    else:
        raw = _raw(request.META.get("PATH_INFO", ""))
    path = _text(raw, "the path")
    if any(len(segment) > MAX_VALUE for segment in path.split("/")):
        raise BadInputError("an over-long path segment", not_found=True)


def check_urlencoded(raw: bytes, where: str, *, limit: int | None) -> None:
    """Each `name=value` pair of a query string or urlencoded body."""
    for pair in raw.split(b"&"):
        if not pair:
            continue
        for part in pair.split(b"=", 1):
            text = _text(unquote_to_bytes(part.replace(b"+", b" ")), where)
            if limit is not None and len(text) > limit:
                raise BadInputError(f"an over-long value in {where}")


def check_query(request: HttpRequest) -> None:
    scope = getattr(request, "scope", None)
    raw = bytes(scope.get("query_string", b"")) if scope is not None else _raw(request.META.get("QUERY_STRING", ""))
    check_urlencoded(raw, "the query string", limit=MAX_VALUE)


def check_headers(request: HttpRequest) -> None:
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and NUL in value:
            raise BadInputError(f"a NUL in the {key[5:].replace('_', '-').title()} header")


def _strings(value: Any) -> Iterator[str]:
    """Every key and string of a parsed JSON document, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_json(body: bytes) -> None:
    text = _text(body, "the JSON body") if body else ""
    if not text.strip():
        return
    try:
        document = json.loads(text)
    except RecursionError as error:
        raise BadInputError("JSON nested too deeply") from error
    except ValueError:
        return  # not JSON at all: the view says what it expected
    if any(NUL in string for string in _strings(document)):
        raise BadInputError("a NUL in the JSON body")


def _multipart_values(request: HttpRequest) -> Iterable[str]:
    for name, values in request.POST.lists():
        yield name
        yield from values
    for name, files in request.FILES.lists():
        yield name
        yield from (upload.name or "" for upload in files)


def check_body(request: HttpRequest) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        check_urlencoded(request.body, "the form", limit=None)
    elif content_type == "multipart/form-data":
        if any(NUL in value for value in _multipart_values(request)):
            raise BadInputError("a NUL in a form field")
    elif content_type == "application/json" or content_type.endswith("+json"):
        check_json(request.body)


def check_request(request: HttpRequest) -> None:
    """Raise BadInputError when any part of the request holds bad bytes."""
    check_path(request)
    check_query(request)
    check_headers(request)
    check_body(request)
