"""The bands a student may share about themselves (accounts' profile) and that
a school's audience page counts (analytics). Bands only: never a birth date,
never free text, so that no value can name a person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A group of fewer students than this is never shown to a school.
SMALLEST_GROUP = 5


class AgeBand(models.TextChoices):
    UNDER_18 = "under18", _("Under 18")
    FROM_18 = "18-24", _("18–24")
    FROM_25 = "25-34", _("25–34")
    FROM_35 = "35-44", _("35–44")
    FROM_45 = "45-54", _("45–54")
    FROM_55 = "55-64", _("55–64")
    FROM_65 = "65plus", _("65 or over")


class Gender(models.TextChoices):
    WOMAN = "woman", pgettext_lazy("gender", "Woman")
    MAN = "man", pgettext_lazy("gender", "Man")
    NON_BINARY = "nonbinary", pgettext_lazy("gender", "Non-binary")
    SELF_DESCRIBED = "self", pgettext_lazy("gender", "I describe myself another way")
