from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from cc4c import forms as cc4c_forms
from population.queries import AGE_BANDS


class PlanReviewedForm(cc4c_forms.Form):
    reviewed_on = forms.DateField(
        label="Asthma plan written or reviewed on",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Record plan review"))


AGE_CHOICES = [("", "Any age")] + [
    (f"{low}-{high}", f"{label} years") for label, low, high in AGE_BANDS
]


class ChildListForm(cc4c_forms.Form):
    """What a list of children is narrowed to: words or an NHS number, an age band, and whether
    the child has open actions or has not been in touch with the hub for a year."""

    q = forms.CharField(label="Name or NHS number", required=False, max_length=100)
    age = forms.ChoiceField(label="Age", choices=AGE_CHOICES, required=False)
    open_actions = forms.BooleanField(label="Only children with open actions", required=False)
    no_recent_contact = forms.BooleanField(
        label="Only children the hub has not seen, discussed or been asked about in a year",
        required=False,
    )

    def filters(self):
        """The keyword arguments of queries.filtered (none when the form is not valid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "age": data["age"] or None,
            "open_actions": data["open_actions"],
            "no_recent_contact": data["no_recent_contact"],
        }
