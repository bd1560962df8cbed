from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from advice import attachments, clock
from advice.models import Outcome, RequestType, Urgency
from advice.services import FORWARDS
from cc4c import forms as cc4c_forms
from cc4c.submissions import SubmittedOnce
from hubs.access import hubs_for, people_in
from hubs.models import Practice
from population.models import Child


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked = []
        for upload in files:
            if upload.size > attachments.max_bytes():
                raise forms.ValidationError(
                    f"{upload.name} is larger than {attachments.max_bytes() // 1048576} MB."
                )
            content = upload.read()
            try:
                attachments.check(upload.name, content)
            except attachments.AttachmentRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
            checked.append((upload.name, content))
        return checked


class _Form(cc4c_forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class AskForm(SubmittedOnce, _Form):
    hub = forms.ModelChoiceField(queryset=None, empty_label=None, label="Hub")
    child = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    request_type = forms.ChoiceField(
        label="What do you need?",
        choices=RequestType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you need."},
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE)
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Say what you have found and what you want to know. "
        "Do not put the child's name or NHS number here: choose the child above.",
        error_messages={"required": "Write the question."},
    )
    attachments = MultipleFileField(
        required=False,
        help_text=f"Photos or letters: {attachments.ACCEPTED}, up to 10 MB each.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        hubs = hubs_for(user, "advice.ask").select_related("advice_settings")
        self.fields["hub"].queryset = hubs
        self.fields["child"].queryset = Child.objects.visible_to(user)
        self.fields["urgency"].help_text = " ".join(
            f"{hub.name}: urgent questions are answered within "
            f"{clock.describe_target(hub, Urgency.URGENT)}, routine ones within "
            f"{clock.describe_target(hub)}."
            for hub in hubs
        )

    def clean(self):
        data = super().clean()
        child, hub = data.get("child"), data.get("hub")
        if child and hub and child.practice.hub_id != hub.pk:
            self.add_error("hub", "The child is registered in another hub: choose that hub.")
        return data


class PhoneRequestForm(SubmittedOnce, _Form):
    hub = forms.ModelChoiceField(queryset=None, empty_label=None)
    received_at = forms.DateTimeField(
        label="Time of the call",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        initial=lambda: timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    )
    asked_by = forms.ModelChoiceField(
        queryset=None, required=False, label="Who called (if they have a login)"
    )
    practice = forms.ModelChoiceField(queryset=None, required=False, label="Calling practice")
    nhs_number = forms.CharField(
        label="Child's NHS number (optional)", required=False, max_length=12
    )
    request_type = forms.ChoiceField(label="Type of question", choices=RequestType.choices)
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE)
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        hubs = hubs_for(user, "advice.answer")
        self.fields["hub"].queryset = hubs
        self.fields["practice"].queryset = Practice.objects.filter(hub__in=hubs)
        self.fields["asked_by"].queryset = people_in(hubs, "advice.ask")

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now():
            raise forms.ValidationError("The time of the call cannot be in the future.")
        return value

    def clean(self):
        data = super().clean()
        hub = data.get("hub")
        number = (data.get("nhs_number") or "").replace(" ", "")
        data["child"] = None
        if number and hub:
            child = (
                Child.objects.visible_to(self.user)
                .filter(nhs_number=number, practice__hub=hub)
                .select_related("practice")
                .first()
            )
            if child is None:
                self.add_error("nhs_number", "No child with this NHS number in this hub.")
            data["child"] = child
        practice = data.get("practice")
        if practice and hub and practice.hub_id != hub.pk:
            self.add_error("practice", "Choose one of this hub's practices.")
        return data


class ReplyForm(_Form):
    text = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write your reply."},
    )


class FollowUpForm(_Form):
    text = forms.CharField(
        label="Your follow-up question",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="It goes to the paediatrician with the rest of this request. Do not put the "
        "child's name or NHS number here.",
        error_messages={"required": "Write the follow-up question."},
    )


class InformationForm(_Form):
    text = forms.CharField(
        label="The information asked for", widget=forms.Textarea(attrs={"rows": 5})
    )


class OutcomeForm(_Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)


FORWARD_LABELS = {"mdt": "Put forward to the MDT", "clinic": "Refer to the outreach clinic"}


class ForwardForm(_Form):
    destination = forms.ChoiceField(choices=())
    reason = forms.CharField(
        label="Question for the MDT, or reason for the referral",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_recorded = forms.BooleanField(
        required=False, label="The family consents to MDT discussion (needed for the MDT)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = [(d, FORWARD_LABELS[d]) for d in FORWARDS]
