from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from cc4c import forms as cc4c_forms
from families.models import ANSWERS, Answer, Carer, Channel, normalise_mobile


class CarerForm(cc4c_forms.ModelForm):
    class Meta:
        model = Carer
        fields = [
            "name",
            "relationship",
            "mobile",
            "email",
            "preferred_channel",
            "language_need",
            "consent_to_messages",
            "consent_given_on",
        ]
        widgets = {
            "preferred_channel": forms.RadioSelect,
            "consent_given_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"mobile": "A UK mobile number, like 07700 900123."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # Typed with spaces or +44 it is longer than the stored 07... form: clean_mobile checks it.
        self.fields["mobile"].max_length = 20
        self.fields["mobile"].validators = []
        self.fields["mobile"].widget.attrs.update(maxlength=20, autocomplete="off")
        self.fields["consent_given_on"].help_text = "The day they agreed. Today if left empty."

    def clean_mobile(self):
        value = self.cleaned_data.get("mobile", "").strip()
        if not value:
            return ""
        try:
            return normalise_mobile(value)
        except ValueError as exc:
            raise forms.ValidationError(f"Mobile number: {exc}") from None

    def clean(self):
        data = super().clean()
        channel = data.get("preferred_channel")
        if channel == Channel.SMS and not data.get("mobile") and "mobile" not in self.errors:
            self.add_error("mobile", "Enter the mobile number, to send text messages")
        if channel == Channel.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter the email address, to send emails")
        if data.get("consent_to_messages") and not data.get("consent_given_on"):
            data["consent_given_on"] = timezone.localdate()
        if not data.get("consent_to_messages"):
            data["consent_given_on"] = None
        when = data.get("consent_given_on")
        if when and when > timezone.localdate():
            self.add_error("consent_given_on", "The date they agreed cannot be in the future")
        return data


# The answers as the family reads them on their page.
FAMILY_SAYS = {
    Answer.CONFIRMED: "We will come",
    Answer.CANT_COME: "We can't come",
    Answer.ANOTHER_TIME: "We need another time",
    Answer.STILL_NEEDED: "Yes, we still need the appointment",
    Answer.NOT_NEEDED: "No, we no longer need it",
    Answer.REBOOK: "Yes, please give us another appointment",
    Answer.NO_REBOOK: "No, thank you",
}


class AnswerForm(cc4c_forms.Form):
    answer = forms.ChoiceField(
        label="Your answer",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer"},
    )

    def __init__(self, *args, link, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["answer"].choices = [(a.value, FAMILY_SAYS[a]) for a in ANSWERS[link.purpose]]


class CloseTaskForm(cc4c_forms.Form):
    note = forms.CharField(
        label="What was done", max_length=200, error_messages={"required": "Say what was done"}
    )
