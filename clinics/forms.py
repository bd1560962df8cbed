from crispy_forms.helper import FormHelper
from django import forms

from cc4c import formatting
from cc4c import forms as cc4c_forms
from cc4c.submissions import SubmittedOnce
from clinics.models import (
    NEEDS_NEXT_PLACE,
    Decision,
    OffListReason,
    Outcome,
    Priority,
    ReferralSource,
)
from hubs.access import people_in
from hubs.models import Practice


class _Form(cc4c_forms.Form):
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
                label=f"{formatting.clock(appointment.slot.start_time)}: {appointment.child}",
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


class OffListForm(_Form):
    """Why a waiting child comes off the list without an appointment."""

    reason = forms.ChoiceField(
        choices=OffListReason.choices,
        widget=forms.RadioSelect,
        label="Why is the child coming off the list?",
        error_messages={"required": "Select why the child is coming off the list."},
    )
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for another reason; kept on the referral, never emailed.",
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == OffListReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Say why the child is coming off the list.")
        return data


def slot_label(slot):
    session = slot.session
    return (
        f"{formatting.weekday(session.date)} {formatting.clock(slot.start_time)}, "
        f"{session.host_practice.name}"
    )


class BookChildForm(SubmittedOnce, _Form):
    """A free slot's booking: the child chosen from the hub's waiting list, never preset."""

    referral = forms.ModelChoiceField(
        queryset=None,
        label="Child to book",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the child to book.",
            "invalid_choice": "That child is no longer waiting: select another.",
        },
    )

    def __init__(self, *args, referrals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = referrals


class BookSlotForm(SubmittedOnce, _Form):
    """A waiting child's booking: the slot chosen from the hub's free slots."""

    slot = forms.ModelChoiceField(
        queryset=None,
        label="Slot",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the slot to book.",
            "invalid_choice": "That slot is no longer free: select another.",
        },
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


class SlotChoiceForm(_Form):
    slot = forms.ModelChoiceField(
        queryset=None,
        label="New slot",
        error_messages={
            "required": "Select the new slot.",
            "invalid_choice": "That slot is no longer free: select another.",
        },
    )
    reason = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = slot_label


class CancelAppointmentForm(_Form):
    by = forms.ChoiceField(
        label="Cancelled by",
        choices=[("family", "The family"), ("clinic", "The clinic")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who cancelled the appointment."},
    )
    reason = forms.CharField(
        max_length=300, error_messages={"required": "Say why the appointment is cancelled."}
    )


class AttendanceForm(_Form):
    status = forms.ChoiceField(
        label="Attendance",
        choices=[("attended", "Attended"), ("not_brought", "Not brought")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select attended or not brought."},
    )


class OutcomeForm(_Form):
    outcome = forms.ChoiceField(
        choices=Outcome.choices, error_messages={"required": "Select the outcome."}
    )
    plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For the letter to the child's GP practice, sent when you save the outcome.",
    )
    follows_up = forms.CharField(
        label="Who follows up",
        max_length=200,
        required=False,
        help_text="Empty: the letter says it from the outcome (the GP practice, the hub's "
        "clinic or the hospital team).",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DecisionForm(SubmittedOnce, _Form):
    decision = forms.ChoiceField(
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision."},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when the child is discharged: say why.",
    )
    next_step = forms.ChoiceField(
        label="Where the child goes next",
        required=False,
        widget=forms.RadioSelect,
        help_text="Needed when the family wants a new appointment or the child is rebooked.",
    )
    slot = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Slot to book",
        empty_label="Choose a free slot",
        error_messages={"invalid_choice": "That slot is no longer free: choose another."},
    )

    def __init__(self, *args, slots, referral_date, **kwargs):
        """``slots``: the free slots the person may book, or None when they may not book (the
        child can then only go back on the waiting list, for the coordinator to book)."""
        super().__init__(*args, **kwargs)
        on = f"{referral_date.day} {referral_date:%b %Y}"
        back = ("waiting_list", f"Back on the waiting list at the original referral date, {on}")
        if slots is None:
            del self.fields["slot"]
            self.fields["next_step"].choices = [back]
            return
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = slot_label
        self.fields["next_step"].choices = [("book", "Book a slot now (choose it below)"), back]

    def clean(self):
        data = super().clean()
        decision, step = data.get("decision"), data.get("next_step")
        if decision == Decision.DISCHARGED_WITH_REASON:
            if not (data.get("note") or "").strip():
                self.add_error("note", "Say why the child is discharged.")
            if step:
                self.add_error("next_step", "A discharged child is not booked again.")
        elif decision in NEEDS_NEXT_PLACE and not step:
            self.add_error(
                "next_step", "Choose whether to book a slot now or put the child back on the list."
            )
        if step == "book" and not data.get("slot") and "slot" not in self.errors:
            self.add_error("slot", "Choose the slot to book.")
        return data
