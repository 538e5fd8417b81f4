"""The school's promo code form. The service checks every rule again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coursemarket.catalog.dashboard_forms import CURRENCIES
from coursemarket.catalog.models import Course

from .models import CodePurpose, DiscountKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PromoCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Letters and digits; students may type it in any case."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "spellcheck": "false", "class": "text-uppercase"}
        ),
    )  # fmt: skip
    kind = forms.ChoiceField(label=_("Discount type"), choices=DiscountKind.choices)
    value = forms.DecimalField(
        label=_("Discount"), min_value=0, max_digits=10, decimal_places=3,
        help_text=_("A percentage (1–100), or an amount in the course's currency."),
    )  # fmt: skip
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.none(), required=False, empty_label=_("Every course of the school")
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, c) for c in CURRENCIES], required=False,
        help_text=_("For a fixed amount on every course: only courses in this currency."),
    )  # fmt: skip
    purpose = forms.ChoiceField(
        label=_("Who may use it"),
        choices=[
            (CodePurpose.PUBLIC, CodePurpose.PUBLIC.label),
            (CodePurpose.REFERRAL_OFFER, CodePurpose.REFERRAL_OFFER.label),
        ],
        help_text=_("A referral offer is offered at checkout to students a friend invited; nobody else can use it."),
    )  # fmt: skip
    valid_from = forms.DateTimeField(
        label=_("Valid from"), required=False, widget=DATETIME, help_text=_("In your time zone.")
    )
    valid_until = forms.DateTimeField(
        label=_("Valid until"), required=False, widget=DATETIME, help_text=_("In your time zone.")
    )
    max_uses = forms.IntegerField(label=_("Total uses"), required=False, min_value=1, help_text=_("Empty: no limit."))
    per_student_limit = forms.IntegerField(label=_("Uses per student"), min_value=1, initial=1)
    min_seats = forms.IntegerField(label=_("Minimum seats"), min_value=1, initial=1)

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(school=school).order_by("title")  # type: ignore[attr-defined]
