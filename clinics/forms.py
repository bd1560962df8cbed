from crispy_forms.helper import FormHelper
from django import forms

from clinics.models import Decision, Outcome, Priority, ReferralSource
from hubs.access import people_in
from hubs.models import Practice


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SessionForm(_Form):
    hub = forms.ModelChoiceField(queryset=None)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    host_practice = forms.ModelChoiceField(queryset=None)
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    slot_minutes = forms.IntegerField(label="Slot length (minutes)", min_value=5, max_value=240)
    clinicians = forms.ModelMultipleChoiceField(
        queryset=None, required=False, help_text="The paediatrician and the GP."
    )

    def __init__(self, *args, hubs, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("slot_minutes", 20)
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs
        self.fields["host_practice"].queryset = Practice.objects.filter(hub__in=hubs)
        self.fields["clinicians"].queryset = people_in(hubs, "clinic.staff")

    def clean(self):
        data = super().clean()
        hub, practice = data.get("hub"), data.get("host_practice")
        if hub and practice and practice.hub_id != hub.pk:
            self.add_error("host_practice", "Choose one of this hub's practices.")
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The session must end after it starts.")
        return data


BOOKED_CHILD_CHOICES = [
    ("rebook", "Back on the waiting list to be rebooked; tell the practice"),
    ("notify", "Only tell the practice; the referral is closed"),
]


class CancelSessionForm(_Form):
    """The reason, and for each booked child what happens to them."""

    reason = forms.CharField(max_length=300)

    def __init__(self, *args, booked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.booked = list(booked)
        for appointment in self.booked:
            self.fields[f"child_{appointment.pk}"] = forms.ChoiceField(
                label=f"{appointment.slot.start_time:%H:%M}: {appointment.child}",
                choices=BOOKED_CHILD_CHOICES,
                initial="rebook",
                widget=forms.RadioSelect,
            )

    def rebook_ids(self):
        return {a.pk for a in self.booked if self.cleaned_data.get(f"child_{a.pk}") == "rebook"}


class ReferralForm(_Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    referral_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.ROUTINE)
    source = forms.ChoiceField(choices=ReferralSource.choices, initial=ReferralSource.GP)


class BookForm(_Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    referral = forms.IntegerField(label="Child from the waiting list")


class SlotChoiceForm(_Form):
    slot = forms.ModelChoiceField(queryset=None, label="New slot")
    reason = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = lambda s: (
            f"{s.session.date:%a %d %b %Y} {s.start_time:%H:%M}, {s.session.host_practice.name}"
        )


class CancelAppointmentForm(_Form):
    by = forms.ChoiceField(
        label="Cancelled by",
        choices=[("family", "The family"), ("clinic", "The clinic")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(max_length=300)


class AttendanceForm(_Form):
    status = forms.ChoiceField(
        choices=[("attended", "Attended"), ("not_brought", "Not brought")],
        widget=forms.RadioSelect,
    )


class OutcomeForm(_Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DecisionForm(_Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when the child is discharged: say why.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == Decision.DISCHARGED_WITH_REASON
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", "Say why the child is discharged.")
        return data
