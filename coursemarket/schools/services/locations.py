"""Locations (with their time zone found offline) and rooms."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record, changes_between

from ..changes import school_changes, school_texts
from ..geo import check_coordinates, timezone_at
from ..models import Location, Room, School
from ..permissions import Perm
from ._common import require, save_or_explain, snapshot

LOCATION_FIELDS = (
    "name",
    "street_address",
    "postal_code",
    "city",
    "country",
    "latitude",
    "longitude",
    "city_geoname_id",
    "directions",
)
ROOM_FIELDS = ("name", "capacity", "is_accessible")


def _place(location: Location) -> None:
    """Normalise the coordinates, find the time zone offline and validate
    everything, reporting every bad field at once."""
    errors: dict[str, list[str]] = {}
    try:
        location.latitude, location.longitude = check_coordinates(location.latitude, location.longitude)
        location.timezone = timezone_at(latitude=location.latitude, longitude=location.longitude)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    location.country = (location.country or "").strip().upper()
    exclude = ["school", "latitude", "longitude", "timezone"] if errors else ["school"]
    try:
        location.full_clean(exclude=exclude)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _duplicate_name_check(location: Location) -> None:
    clash = Location.objects.filter(school_id=location.school_id, name__iexact=location.name)
    if location.pk:
        clash = clash.exclude(pk=location.pk)
    if clash.exists():
        raise ValidationError({"name": _("This school already has a location with this name.")})


@transaction.atomic
def location_create(
    *,
    actor: Any,
    school: School,
    name: str,
    city: str,
    country: str,
    latitude: Any,
    longitude: Any,
    street_address: str = "",
    postal_code: str = "",
    city_geoname_id: int | None = None,
    directions: str = "",
) -> Location:
    require(actor=actor, school=school, perm=Perm.MANAGE_LOCATIONS)
    location = Location(
        school=school,
        name=name.strip(),
        directions=directions.strip(),
        street_address=street_address.strip(),
        postal_code=postal_code.strip(),
        city=city.strip(),
        country=country,
        latitude=latitude,
        longitude=longitude,
        city_geoname_id=city_geoname_id,
    )
    _place(location)
    _duplicate_name_check(location)
    save_or_explain(location, field="name", message=_("This school already has a location with this name."))
    audit_record(
        actor=actor,
        action="location.create",
        target=location,
        school_id=school.pk,
        changes=snapshot(location, (*LOCATION_FIELDS, "timezone")),
    )
    school_changes.changed()  # the school's public page lists its locations
    return location


@transaction.atomic
def location_update(*, actor: Any, location: Location, data: dict[str, Any]) -> Location:
    require(actor=actor, school=location.school, perm=Perm.MANAGE_LOCATIONS)
    fresh = Location.objects.select_for_update().get(pk=location.pk, school_id=location.school_id)
    before = snapshot(fresh, (*LOCATION_FIELDS, "timezone"))
    for field in LOCATION_FIELDS:
        if field in data:
            value = data[field]
            setattr(fresh, field, value.strip() if isinstance(value, str) else value)
    _place(fresh)
    _duplicate_name_check(fresh)
    save_or_explain(fresh, field="name", message=_("This school already has a location with this name."))
    changes = changes_between(before, snapshot(fresh, (*LOCATION_FIELDS, "timezone")))
    if changes:
        school_changes.changed()  # name and city show on course pages and listings
        if "city" in changes:
            school_texts.changed(fresh.school_id)  # its courses are found by these words
        audit_record(actor=actor, action="location.update", target=fresh, school_id=fresh.school_id, changes=changes)
    return fresh


@transaction.atomic
def location_delete(*, actor: Any, location: Location) -> None:
    require(actor=actor, school=location.school, perm=Perm.MANAGE_LOCATIONS)
    audit_record(
        actor=actor,
        action="location.delete",
        target=location,
        school_id=location.school_id,
        changes=snapshot(location, ("name", "city")),
    )
    try:
        location.delete()
    except ProtectedError as exc:
        raise ValidationError(_("Courses or sessions still use this location. Move or remove them first.")) from exc
    school_changes.changed()  # the school's public page lists its locations


def _room_duplicate_check(room: Room) -> None:
    clash = Room.objects.filter(location_id=room.location_id, name__iexact=room.name)
    if room.pk:
        clash = clash.exclude(pk=room.pk)
    if clash.exists():
        raise ValidationError({"name": _("This location already has a room with this name.")})


@transaction.atomic
def room_create(*, actor: Any, location: Location, name: str, capacity: int, is_accessible: bool = False) -> Room:
    require(actor=actor, school=location.school, perm=Perm.MANAGE_LOCATIONS)
    room = Room(location=location, name=name.strip(), capacity=capacity, is_accessible=is_accessible)
    room.full_clean(exclude=["location"])
    _room_duplicate_check(room)
    save_or_explain(room, field="name", message=_("This location already has a room with this name."))
    audit_record(
        actor=actor,
        action="room.create",
        target=room,
        school_id=location.school_id,
        changes=snapshot(room, ROOM_FIELDS),
    )
    school_changes.changed()  # the school's public page counts each location's rooms
    return room


@transaction.atomic
def room_update(*, actor: Any, room: Room, data: dict[str, Any]) -> Room:
    school = room.location.school
    require(actor=actor, school=school, perm=Perm.MANAGE_LOCATIONS)
    fresh = Room.objects.select_for_update().get(pk=room.pk)
    before = snapshot(fresh, ROOM_FIELDS)
    for field in ROOM_FIELDS:
        if field in data:
            value = data[field]
            setattr(fresh, field, value.strip() if isinstance(value, str) else value)
    fresh.full_clean(exclude=["location"])
    _room_duplicate_check(fresh)
    save_or_explain(fresh, field="name", message=_("This location already has a room with this name."))
    changes = changes_between(before, snapshot(fresh, ROOM_FIELDS))
    if changes:
        school_changes.changed()
        audit_record(actor=actor, action="room.update", target=fresh, school_id=school.pk, changes=changes)
    return fresh


@transaction.atomic
def room_delete(*, actor: Any, room: Room) -> None:
    school = room.location.school
    require(actor=actor, school=school, perm=Perm.MANAGE_LOCATIONS)
    audit_record(
        actor=actor, action="room.delete", target=room, school_id=school.pk, changes=snapshot(room, ROOM_FIELDS)
    )
    try:
        room.delete()
    except ProtectedError as exc:
        raise ValidationError(_("Sessions still use this room. Move or remove them first.")) from exc
    school_changes.changed()  # the school's public page counts each location's rooms
