from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    frequency = forms.ChoiceField(label=_("Email me"), choices=Frequency.choices, initial=Frequency.DAILY)
    query_string = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the search a name."))
        return name


class EditSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )
    frequency = forms.ChoiceField(
        label=_("Email me"),
        choices=Frequency.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the search a name."))
        return name
