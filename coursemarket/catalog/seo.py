"""Structured data for search engines: schema.org Course + CourseInstance.

What apps above catalog know about a course (reviews: aggregateRating and a
few reviews) is added by the functions they register in `course_json_ld_parts`
in their AppConfig.ready(); catalog never imports them."""

from __future__ import annotations

import json
from typing import Any, Protocol

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from .markup import render_markdown
from .models import Course, DeliveryMode, Level, Session

COURSE_MODE = {True: "online", False: "onsite"}
LEVEL_NAMES: dict[str, str] = {
    Level.BEGINNER: "Beginner",
    Level.ELEMENTARY: "Beginner",
    Level.INTERMEDIATE: "Intermediate",
    Level.UPPER_INTERMEDIATE: "Intermediate",
    Level.ADVANCED: "Advanced",
    Level.ALL: "All levels",
}
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class CourseJsonLdPart(Protocol):
    """Keys to add to a course's JSON-LD ({} for none); parts apply in registration order."""

    def __call__(self, *, course: Course) -> dict[str, Any]: ...


course_json_ld_parts: list[CourseJsonLdPart] = []


def register_course_json_ld_part(part: CourseJsonLdPart) -> None:
    """Add `part`; registering the same function again changes nothing."""
    if part not in course_json_ld_parts:
        course_json_ld_parts.append(part)


def _iso_duration(hours: Any) -> str:
    minutes = round(float(hours) * 60)
    return f"PT{minutes // 60}H{minutes % 60}M" if minutes % 60 else f"PT{minutes // 60}H"


def _instance(session: Session, course: Course, request: HttpRequest) -> dict[str, Any]:
    price = session.price
    instance: dict[str, Any] = {
        "@type": "CourseInstance",
        "courseMode": COURSE_MODE[session.is_online],
        "startDate": session.starts_at.isoformat(),
        "endDate": session.ends_at.isoformat(),
        "courseSchedule": {
            "@type": "Schedule",
            "startDate": session.starts_at.date().isoformat(),
            "endDate": session.ends_at.date().isoformat(),
            "repeatCount": len(session.meetings.all()),
            "scheduleTimezone": session.timezone,
        },
        "maximumAttendeeCapacity": session.capacity,
        "remainingAttendeeCapacity": session.seats_left,
    }
    if session.is_online:
        instance["location"] = {"@type": "VirtualLocation", "url": request.build_absolute_uri()}
    elif session.location is not None:
        location = session.location
        instance["location"] = {
            "@type": "Place",
            "name": location.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": location.street_address,
                "postalCode": location.postal_code,
                "addressLocality": location.city,
                "addressCountry": location.country,
            },
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": float(location.latitude),
                "longitude": float(location.longitude),
            },
        }
    instructors = [{"@type": "Person", "name": i.name} for i in session.instructors.all()]
    if instructors:
        instance["instructor"] = instructors
    if price is not None:
        instance["offers"] = {
            "@type": "Offer",
            "price": str(price),
            "priceCurrency": course.currency,
            "category": "Free" if price == 0 else "Paid",
            "availability": "https://schema.org/InStock" if session.seats_left else "https://schema.org/SoldOut",
            "url": request.build_absolute_uri(),
        }
    return instance


def course_json_ld(*, course: Course, sessions: list[Session], url: str, request: HttpRequest) -> SafeString:
    text = course.text  # type: ignore[attr-defined]
    school_url = request.build_absolute_uri(reverse("schools:school_detail", args=[course.school.slug]))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url,
        "url": url,
        "name": text.title,
        "description": text.summary or strip_tags(render_markdown(text.description))[:500],
        "inLanguage": course.teaching_language,
        "educationalLevel": LEVEL_NAMES.get(course.level, "All levels"),
        "timeRequired": _iso_duration(course.duration_hours),
        "provider": {"@type": "Organization", "name": course.school.name, "sameAs": school_url},
        "hasCourseInstance": [_instance(s, course, request) for s in sessions],
    }
    skills = [skill.name for skill in course.skills.all()]
    if skills:
        data["teaches"] = skills
    if course.cover_image:
        data["image"] = request.build_absolute_uri(course.cover_image.url)
    if course.price is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": str(course.price),
            "priceCurrency": course.currency,
            "category": "Free" if course.price == 0 else "Paid",
        }
    if course.delivery_mode == DeliveryMode.ONLINE:
        data["availableLanguage"] = course.teaching_language
    for part in course_json_ld_parts:  # reviews: aggregateRating + review, when there are reviews
        data.update(part(course=course))
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308 - JSON with <>& escaped
