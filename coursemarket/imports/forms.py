"""The import's forms: the file, the column mapping, the import's options."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from coursemarket.catalog.dashboard_forms import category_choices
from coursemarket.catalog.models import Category

from .fields import FIELDS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file"),
        help_text=_("CSV (UTF-8) or Excel (.xlsx), one course per row, column names in the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (UTF-8) or Excel (.xlsx), one course per row, column names in the first row; at most %(size)s."
        ) % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}


class MappingForm(forms.Form):
    """One select per course field, listing the file's columns."""

    def __init__(self, *args: Any, headers: list[str], samples: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —"))] + [
            (h, f"{h} ({samples[h][:40]}…)" if len(samples.get(h, "")) > 40 else f"{h} ({samples[h]})")
            if samples.get(h)
            else (h, h)
            for h in headers
        ]
        for name, label in FIELDS.items():
            self.fields[name] = forms.ChoiceField(label=str(label), choices=choices, required=name == "title")
        self.fields["title"].error_messages["required"] = _("Choose the column that holds the course titles.")

    def columns(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FIELDS if self.cleaned_data.get(name)}


class OptionsForm(forms.Form):
    publish = forms.TypedChoiceField(
        label=_("Import the courses as"),
        choices=[("0", _("Drafts (publish them yourself later)")), ("1", _("Published, on the public site at once"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    default_category = forms.TypedChoiceField(
        label=_("Category for rows whose category is empty or unknown"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = category_choices()
        choices[0] = ("", _("None: such a row is an error"))
        self.fields["default_category"].choices = choices  # type: ignore[attr-defined]

    def category(self) -> Category | None:
        pk = self.cleaned_data.get("default_category")
        return Category.objects.filter(pk=pk).first() if pk else None
