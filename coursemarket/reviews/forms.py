from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coursemarket.catalog.models import TEACHING_LANGUAGES, teaching_language_choices

from .models import TEXT_MAX, TITLE_MAX, NameStyle, ReportReason
from .services import ReviewInput

STAR_LABELS = [
    ("5", _("5 stars — excellent")),
    ("4", _("4 stars — good")),
    ("3", _("3 stars — fair")),
    ("2", _("2 stars — poor")),
    ("1", _("1 star — bad")),
]


class StarWidget(forms.RadioSelect):
    template_name = "reviews/includes/star_widget.html"


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(label=_("Overall rating"), choices=STAR_LABELS, widget=StarWidget)
    rating_content = forms.ChoiceField(label=_("Content"), choices=STAR_LABELS, widget=StarWidget, required=False)
    rating_instructor = forms.ChoiceField(label=_("Instructor"), choices=STAR_LABELS, widget=StarWidget, required=False)
    rating_value = forms.ChoiceField(label=_("Value for money"), choices=STAR_LABELS, widget=StarWidget, required=False)
    rating_venue = forms.ChoiceField(
        label=_("Venue or online experience"), choices=STAR_LABELS, widget=StarWidget, required=False
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"dir": "auto", "placeholder": _("Sum up your experience in a line")}),
    )
    text = forms.CharField(
        label=_("Your review"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 7, "dir": "auto"}),
        help_text=_("What did you learn? How was the teaching, the group, the place? No links or contact details."),
    )
    language = forms.ChoiceField(label=_("Written in"))
    name_style = forms.ChoiceField(
        label=_("Show my name as"), choices=NameStyle.choices, widget=forms.RadioSelect, initial=NameStyle.INITIAL
    )

    def __init__(self, *args: Any, names: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = teaching_language_choices()  # type: ignore[attr-defined]
        current = (get_language() or "en").split("-")[0]
        self.fields["language"].initial = current if current in TEACHING_LANGUAGES else "en"
        if names:
            self.fields["name_style"].choices = [  # type: ignore[attr-defined]
                (NameStyle.FULL, names[NameStyle.FULL]),
                (NameStyle.INITIAL, names[NameStyle.INITIAL]),
            ]

    def review_input(self) -> ReviewInput:
        data = self.cleaned_data
        return ReviewInput(
            rating=data["rating"],
            title=data["title"],
            text=data["text"],
            language=data["language"],
            name_style=data["name_style"],
            rating_content=data.get("rating_content") or None,
            rating_instructor=data.get("rating_instructor") or None,
            rating_value=data.get("rating_value") or None,
            rating_venue=data.get("rating_venue") or None,
        )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your public answer"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        help_text=_("Everyone can read it below the review. Thank the student, explain, or say what you changed."),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong with this review?"), choices=ReportReason.choices,
                               widget=forms.RadioSelect)  # fmt: skip
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Optional, unless you chose “Something else”."),
    )


class FlagForm(ReportForm):
    details = forms.CharField(
        label=_("Why should the moderators look at it?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("The moderators decide; the review stays as it is until they do."),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason shown to the author"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say which rule the review breaks, so the author can fix it."),
    )
