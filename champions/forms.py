from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from cc4c import forms as cc4c_forms
from champions.models import Activity


class ActivityForm(cc4c_forms.ModelForm):
    """A champion records what they did: the date, the kind of activity, hours, people reached."""

    class Meta:
        model = Activity
        fields = ["date", "type", "hours", "people_reached", "notes"]
        labels = {"type": "Type of activity", "hours": "Hours volunteered"}
        help_texts = {
            "hours": "For example 1.5 for an hour and a half.",
            "people_reached": "Roughly how many people you talked to or helped, if you know.",
            "notes": "What you did. Do not write the names of children or families.",
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, submit_label="Save activity", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].max_value = 24
        self.fields["hours"].widget.attrs.update(min="0", max="24", step="0.25")
        self.fields["people_reached"].widget.attrs.update(min="0")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", submit_label))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return date

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours > 24:
            raise forms.ValidationError("Enter at most 24 hours for one day.")
        return hours
