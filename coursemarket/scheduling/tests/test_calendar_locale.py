"""The week calendar (FullCalendar, formatting in the browser) is told each
language's clock and first day of the week from CLDR, and loads its words."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from coursemarket.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "hour12", "hour2", "first_day"),
    [
        ("en", "1", "0", "0"),  # 6:30 PM, weeks from Sunday
        ("de", "0", "1", "1"),  # 18:30, 09:00, from Monday
        ("ar", "1", "0", "6"),  # 6:30 م, from Saturday (Egypt)
        ("pt-br", "0", "1", "0"),  # 18:30, from Sunday
        ("it", "0", "1", "1"),
        ("ja", "0", "0", "0"),  # 18:30, 9:00, from Sunday
    ],
)
def test_the_calendar_gets_the_languages_clock_week_and_words(language, hour12, hour2, first_day):
    client = Client()
    client.force_login(User.objects.create_user(email="s@example.com", password="x" * 12))
    html = client.get(f"/{language}/account/calendar/").content.decode()
    target = re.search(r'<div id="cm-calendar"[^>]*>', html)
    assert target is not None
    assert f'data-hour12="{hour12}"' in target.group(0)
    assert f'data-hour2="{hour2}"' in target.group(0)
    assert f'data-first-day="{first_day}"' in target.group(0)
    assert f'data-locale="{language}"' in html
    locale_script = f"vendor/fullcalendar-7.1.0/locales/{language}.global"
    assert (locale_script in html) == (language != "en")
