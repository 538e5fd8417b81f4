from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def site(request: HttpRequest) -> dict[str, Any]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "SITE_NAME": "Coursemarket",
        "SITE_URL": settings.SITE_URL,
        "LANGUAGE_IS_RTL": translation.get_language_bidi(),
        "CURRENT_LANGUAGE": language,
    }
