"""A message's context kept as JSON in its outbox row until the worker renders
it: model instances become references (fetched again at render time),
datetimes, dates and Decimals keep their type."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise


def encode(value: Any) -> Any:
    if isinstance(value, Model):
        return {"__ref__": value._meta.label, "pk": value.pk}
    if isinstance(value, datetime):
        return {"__dt__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Decimal):
        return {"__dec__": str(value)}
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} cannot be kept in an outbox message's context")


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "__ref__" in value:
        model = apps.get_model(value["__ref__"])
        found = model._default_manager.filter(pk=value["pk"]).first()
        if found is None:
            raise LookupError(f"{value['__ref__']} {value['pk']} no longer exists")
        return found
    if "__dt__" in value:
        return datetime.fromisoformat(value["__dt__"])
    if "__date__" in value:
        return date.fromisoformat(value["__date__"])
    if "__dec__" in value:
        return Decimal(value["__dec__"])
    return {key: decode(item) for key, item in value.items()}
