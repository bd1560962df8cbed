from crispy_forms.helper import FormHelper
from django import forms

from cc4c import forms as cc4c_forms
from feedback.models import Experience, Place


class _Form(cc4c_forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class FamilyFeedbackForm(_Form):
    experience = forms.ChoiceField(
        label="Overall, how was your experience of our service?",
        choices=Experience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how your experience was."},
    )
    place = forms.ChoiceField(
        label="Next time, where would you rather your child was seen?",
        choices=Place.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label="Anything you would like to tell us? (optional)",
        help_text="Please do not write your child's name or anyone else's. "
        "A member of the hub team reads comments before they are shared.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )


USEFULNESS = [(n, str(n)) for n in range(1, 6)]


class MeetingFeedbackForm(_Form):
    usefulness = forms.TypedChoiceField(
        label="How useful was this meeting to you? (1 not at all, 5 very)",
        choices=USEFULNESS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5."},
    )
    learned_something = forms.TypedChoiceField(
        label="Did you learn something you will use in your practice?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you learned something."},
    )
    learning = forms.CharField(
        label="What did you learn? (optional)",
        help_text="No child's name or NHS number, please.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    comment = forms.CharField(
        label="Any other comment on the meeting? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
