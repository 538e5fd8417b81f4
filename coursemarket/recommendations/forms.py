from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coursemarket.catalog.models import Category, Level


class InterestsForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label=_("Topics you like"),
        queryset=Category.objects.filter(parent__isnull=True).order_by("position", "id"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you learn in"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    levels = forms.MultipleChoiceField(
        label=_("Levels"), choices=Level.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    city = forms.CharField(label=_("Home city"), max_length=100, required=False)
    radius_km = forms.IntegerField(label=_("Distance (km)"), min_value=1, max_value=500, initial=25)
    personalised = forms.BooleanField(
        label=_("Use what I booked, completed and saved to recommend courses"), required=False, initial=True
    )
    weekly_digest = forms.BooleanField(label=_("Send me a weekly email with recommendations"), required=False)
