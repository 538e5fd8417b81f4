"""One format for moments everywhere: the locale's CLDR patterns, the zone
named, the reader's time beside it only when their clock differs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone, translation

from coursemarket.core.testing import text_of
from coursemarket.core.times import format_moment, when_html, when_text, zone_name

WINTER = datetime(2031, 1, 13, 10, 0, tzinfo=UTC)  # a Monday: 11:00 in Madrid, 12:00 in Cairo
LATE = datetime(2031, 1, 13, 22, 30, tzinfo=UTC)  # 23:30 in Madrid, already Tuesday in Tokyo


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Mon, Jan 13, 2031, 11:00 AM"),
        ("es", "lun, 13 ene 2031, 11:00"),
        ("de", "Mo., 13. Jan. 2031, 11:00"),
        ("fr", "lun. 13 janv. 2031, 11:00"),
        ("ar", "الاثنين، 13 يناير 2031، 11:00 ص"),
    ],
)
def test_a_moment_in_each_languages_own_format(language, expected):
    with translation.override(language):
        assert text_of(format_moment(WINTER, "Europe/Madrid")) == expected


def test_styles_and_ranges():
    end = WINTER + timedelta(hours=2)
    assert text_of(format_moment(WINTER, "Europe/Madrid", end=end)) == "Mon, Jan 13, 2031, 11:00 AM – 1:00 PM"
    assert text_of(format_moment(WINTER, "Europe/Madrid", style="short", end=end)) == "Mon, Jan 13, 11:00 AM – 1:00 PM"
    assert text_of(format_moment(WINTER, "Europe/Madrid", style="time")) == "11:00 AM"
    assert text_of(format_moment(WINTER, "Europe/Madrid", style="date")) == "Mon, Jan 13, 2031"
    week = WINTER + timedelta(days=7)
    assert text_of(format_moment(WINTER, "Europe/Madrid", style="date", end=week)) == (
        "Mon, Jan 13, 2031 – Mon, Jan 20, 2031"
    )
    with translation.override("de"):
        assert text_of(format_moment(WINTER, "Europe/Madrid", style="time", end=end)) == "11:00–13:00 Uhr"


@pytest.mark.parametrize(
    ("zone", "name"),
    [
        ("Europe/Madrid", "Madrid time (CET)"),
        ("America/New_York", "New York time (EST)"),
        ("Asia/Kolkata", "Kolkata time (IST)"),  # CLDR still files it as Asia/Calcutta
        ("America/Argentina/Buenos_Aires", "Buenos Aires time (GMT-03:00)"),  # no letters: the offset
        ("UTC", "UTC"),
        ("Etc/GMT+5", "GMT-05:00"),
    ],
)
def test_zones_are_named_for_people(zone, name):
    assert zone_name(zone, WINTER) == name


def test_zone_names_follow_the_language_and_the_season():
    with translation.override("ar"):
        assert "القاهرة" in zone_name("Africa/Cairo", WINTER)
    with translation.override("de"):
        assert "Kairo" in zone_name("Africa/Cairo", WINTER)
    assert zone_name("Europe/Madrid", datetime(2031, 7, 1, tzinfo=UTC)) == "Madrid time (CEST)"


def test_the_readers_time_beside_only_when_their_clock_differs():
    assert when_text(WINTER, "Europe/Madrid", viewer="Africa/Cairo") == (
        "Mon, Jan 13, 2031, 11:00\u202fAM Madrid time (CET) · 12:00\u202fPM Cairo time (EET)"
    )
    assert (
        when_text(WINTER, "Europe/Madrid", viewer="Europe/Madrid")
        == "Mon, Jan 13, 2031, 11:00\u202fAM Madrid time (CET)"
    )
    # Paris keeps Madrid's clock: nothing to add.
    assert " · " not in when_text(WINTER, "Europe/Madrid", viewer="Europe/Paris")
    # Another day there: the reader's date too.
    assert text_of(when_text(LATE, "Europe/Madrid", style="time", viewer="Asia/Tokyo")) == (
        "11:30 PM Madrid time (CET) · Tue, Jan 14, 7:30 AM Tokyo time (JST)"
    )
    # Without a viewer, the active zone is the reader's (the middleware's, or the email recipient's).
    with timezone.override(ZoneInfo("Africa/Cairo")):
        assert when_text(WINTER, "Europe/Madrid").endswith("Cairo time (EET)")
        assert when_text(WINTER) == "Mon, Jan 13, 2031, 12:00\u202fPM Cairo time (EET)"  # no zone: the reader's


def test_the_html_marks_up_both_moments_and_escapes_nothing_twice():
    html = when_html(WINTER, "Europe/Madrid", end=WINTER + timedelta(hours=2), viewer="Africa/Cairo")
    assert html.startswith('<span class="when"><time datetime="2031-01-13T11:00:00+01:00">')
    assert '<span class="when-viewer">· <time datetime="2031-01-13T12:00:00+02:00">' in html
    assert '<bdi class="when-zone">Cairo time (EET)</bdi>' in html
    assert "&amp;" not in html and "&lt;" not in html
    assert when_html(WINTER, "Europe/Madrid", style="date") == (
        '<time datetime="2031-01-13T11:00:00+01:00">Mon, Jan 13, 2031</time>'
    )


def test_the_tag_renders_html_or_text_and_refuses_an_unknown_style():
    template = Template(
        "{% load times %}{% when start zone end=end viewer=viewer %}|{% when start zone text=True as t %}{{ t }}"
        "|{% when missing zone %}|{% zone_name zone start %}"
    )
    context = Context({"start": WINTER, "end": WINTER + timedelta(hours=2), "zone": "Europe/Madrid", "viewer": "UTC"})
    with timezone.override(UTC):  # the reader's zone, for the tag without viewer=
        rendered = template.render(context)
    html, text, missing, name = rendered.split("|")
    assert text_of(html) == "Mon, Jan 13, 2031, 11:00 AM – 1:00 PM Madrid time (CET) · 10:00 AM – 12:00 PM UTC"
    assert text_of(text) == "Mon, Jan 13, 2031, 11:00 AM Madrid time (CET) · 10:00 AM UTC"
    assert missing == "" and name == "Madrid time (CET)"
    with pytest.raises(TemplateSyntaxError, match="style must be one of"):
        Template('{% load times %}{% when start style="long" %}').render(Context({"start": WINTER}))


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", None, "a" * 500])
def test_a_zone_that_is_not_one_means_the_readers(zone):
    with timezone.override(ZoneInfo("Africa/Cairo")):
        assert when_text(WINTER, zone) == "Mon, Jan 13, 2031, 12:00\u202fPM Cairo time (EET)"


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "Mon, Jan 13, 2031", "Mon, Jan 13, 2031, 10:05\u202fAM"),
        ("de", "Mo., 13. Jan. 2031", "Mo., 13. Jan. 2031, 10:05"),
    ],
)
def test_day_and_moment_filters_write_dates_like_the_rest_of_the_interface(language, day, moment):
    """Closures, review dates, email digests: one date format, the reader's
    locale, the reader's clock (11:05 in Madrid is 10:05 UTC)."""
    from datetime import date

    template = Template("{% load times %}{{ d|day }}|{{ m|moment }}|{{ missing|day }}")
    utc_moment = datetime(2031, 1, 13, 10, 5, tzinfo=UTC)
    with translation.override(language), timezone.override(ZoneInfo("UTC")):
        rendered = template.render(Context({"d": date(2031, 1, 13), "m": utc_moment}))
    assert rendered == f"{day}|{moment}|"
    with translation.override(language), timezone.override(ZoneInfo("Europe/Madrid")):
        assert Template("{% load times %}{{ m|moment }}").render(Context({"m": utc_moment})) == moment.replace(
            "10:05", "11:05"
        )
