"""Locations and rooms, and the offline city typeahead."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import CitySearchForm, LocationForm, RoomForm
from ..geo import city_by_id, search_cities
from ..geo_names import country_name
from ..permissions import Perm
from ..selectors import SchoolAccess
from .staff import attach_errors, render_dashboard, staff_view


@staff_view(Perm.MANAGE_LOCATIONS)
def locations(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    rows = list(selectors.school_locations(school=access.school))
    return render_dashboard(
        request, access, "schools/dashboard/locations.html", {"locations": rows}, section="locations"
    )


def _city_results(query: str) -> list[dict[str, object]]:
    return [
        {
            "id": city.geoname_id,
            "name": city.name,
            "country": city.country,
            "country_name": country_name(city.country),
            "latitude": f"{city.latitude:.6f}",
            "longitude": f"{city.longitude:.6f}",
            "timezone": city.timezone,
        }
        for city in search_cities(query)
    ]


@login_required
def city_search(request: HttpRequest) -> HttpResponse:
    """Typeahead results (an htmx partial); without JS the location form
    renders the same list as links that prefill the form."""
    query = (request.GET.get("city-q") or request.GET.get("q") or "")[:80]
    return render(request, "schools/dashboard/_city_results.html", {"cities": _city_results(query), "query": query})


def _location_form_page(
    request: HttpRequest, access: SchoolAccess, form: LocationForm, *, location: object = None
) -> HttpResponse:
    search = CitySearchForm(request.GET or None, prefix="city")
    query = search.data.get("city-q", "") if search.is_bound else ""
    context = {
        "form": form,
        "location": location,
        "city_search": search,
        "city_results": _city_results(str(query)) if query else [],
        "city_query": query,
        "room_form": RoomForm(prefix="room") if location is not None else None,
    }
    status = 400 if form.errors else 200
    return render_dashboard(
        request, access, "schools/dashboard/location_form.html", context, section="locations", status=status
    )


def _picked_city_initial(request: HttpRequest) -> dict[str, object]:
    """?pick=<geoname id> (the no-JS city picker) prefills the form."""
    try:
        city = city_by_id(int(request.GET.get("pick", "")))
    except ValueError:
        return {}
    if city is None:
        return {}
    return {
        "city": city.name,
        "country": city.country,
        "latitude": f"{city.latitude:.6f}",
        "longitude": f"{city.longitude:.6f}",
        "city_geoname_id": city.geoname_id,
    }


@staff_view(Perm.MANAGE_LOCATIONS)
def location_create(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    form = LocationForm(request.POST or None, initial=_picked_city_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            location = services.location_create(actor=request.user, school=access.school, **form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Location added. Its time zone is %(timezone)s. Now add its rooms.")
                % {"timezone": location.timezone},
            )
            return redirect("schools:location_edit", slug=access.school.slug, location_id=location.pk)
    return _location_form_page(request, access, form)


@staff_view(Perm.MANAGE_LOCATIONS)
def location_edit(request: HttpRequest, access: SchoolAccess, location_id: int) -> HttpResponse:
    location = selectors.school_location(school=access.school, location_id=location_id)
    initial = _picked_city_initial(request)
    form = LocationForm(request.POST or None, instance=copy.copy(location), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_update(actor=request.user, location=location, data=form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Location saved."))
            return redirect("schools:location_edit", slug=access.school.slug, location_id=location.pk)
    location_with_rooms = selectors.school_locations(school=access.school).get(pk=location.pk)
    return _location_form_page(request, access, form, location=location_with_rooms)


@require_POST
@staff_view(Perm.MANAGE_LOCATIONS)
def location_delete(request: HttpRequest, access: SchoolAccess, location_id: int) -> HttpResponse:
    location = selectors.school_location(school=access.school, location_id=location_id)
    try:
        services.location_delete(actor=request.user, location=location)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("schools:location_edit", slug=access.school.slug, location_id=location.pk)
    messages.success(request, _("Location “%(name)s” deleted.") % {"name": location.name})
    return redirect("schools:locations", slug=access.school.slug)


@require_POST
@staff_view(Perm.MANAGE_LOCATIONS)
def room_create(request: HttpRequest, access: SchoolAccess, location_id: int) -> HttpResponse:
    location = selectors.school_location(school=access.school, location_id=location_id)
    form = RoomForm(request.POST, prefix="room")
    if form.is_valid():
        try:
            services.room_create(actor=request.user, location=location, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Room added."))
            return redirect("schools:location_edit", slug=access.school.slug, location_id=location.pk)
    location_with_rooms = selectors.school_locations(school=access.school).get(pk=location.pk)
    context = {"location": location_with_rooms, "room_form": form}
    return render_dashboard(
        request, access, "schools/dashboard/room_form.html", context, section="locations", status=400
    )


@staff_view(Perm.MANAGE_LOCATIONS)
def room_edit(request: HttpRequest, access: SchoolAccess, room_id: int) -> HttpResponse:
    room = selectors.school_room(school=access.school, room_id=room_id)
    form = RoomForm(request.POST or None, instance=copy.copy(room), prefix="room")
    if request.method == "POST" and form.is_valid():
        try:
            services.room_update(actor=request.user, room=room, data=form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Room saved."))
            return redirect("schools:location_edit", slug=access.school.slug, location_id=room.location_id)
    context = {"location": room.location, "room": room, "room_form": form}
    status = 400 if form.errors else 200
    return render_dashboard(
        request, access, "schools/dashboard/room_form.html", context, section="locations", status=status
    )


@require_POST
@staff_view(Perm.MANAGE_LOCATIONS)
def room_delete(request: HttpRequest, access: SchoolAccess, room_id: int) -> HttpResponse:
    room = selectors.school_room(school=access.school, room_id=room_id)
    try:
        services.room_delete(actor=request.user, room=room)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Room “%(name)s” deleted.") % {"name": room.name})
    return redirect("schools:location_edit", slug=access.school.slug, location_id=room.location_id)
