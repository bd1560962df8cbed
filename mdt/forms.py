from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from cc4c import forms as cc4c_forms
from mdt.models import CaseDiscussion, Outcome, ReferrerRole


class _Crispy:
    submit_label = "Save"

    def _helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.add_input(Submit("submit", self.submit_label))
        return helper


class ChildSearchForm(cc4c_forms.Form):
    q = forms.CharField(
        label="NHS number or name",
        max_length=100,
        required=False,
        help_text="Search the children of your hub's practices.",
    )


class PutForwardForm(_Crispy, cc4c_forms.ModelForm):
    submit_label = "Put the case forward"

    class Meta:
        model = CaseDiscussion
        fields = [
            "clinical_question",
            "background",
            "tried",
            "involved",
            "referrer_role",
            "consent_recorded",
        ]
        widgets = {
            "clinical_question": forms.Textarea(attrs={"rows": 3}),
            "background": forms.Textarea(attrs={"rows": 4}),
            "tried": forms.Textarea(attrs={"rows": 3}),
            "involved": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"referrer_role": "Your role"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinical_question"].required = True
        self.fields["consent_recorded"].required = True
        self.fields[
            "consent_recorded"
        ].help_text = "The family (or the young person) agreed to the case being discussed."
        self.fields["referrer_role"].choices = [("", "Choose…"), *ReferrerRole.choices]
        self.helper = self._helper()


class OutcomeForm(_Crispy, cc4c_forms.Form):
    submit_label = "Save outcome"

    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    named_professional = forms.CharField(
        label="Named professional or service",
        max_length=200,
        required=False,
        help_text="For a referral to a named professional: who or which service.",
    )
    plan = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    learning_points = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    refer_to_clinic = forms.BooleanField(
        label="Also put the child on the outreach clinic waiting list",
        required=False,
        help_text="For an outreach clinic outcome: the coordinator then books the appointment.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()

    def clean(self):
        data = super().clean()
        if (
            data.get("outcome") == Outcome.NAMED_PROFESSIONAL
            and not data.get("named_professional", "").strip()
        ):
            self.add_error("named_professional", "Name the professional or service.")
        return data


class ActionForm(_Crispy, cc4c_forms.Form):
    submit_label = "Add action"

    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=None, label="Owner")
    due_on = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people
        self.helper = self._helper()

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        if due < timezone.localdate():
            raise forms.ValidationError("The due date cannot be in the past.")
        return due


class AttendanceForm(_Crispy, cc4c_forms.Form):
    submit_label = "Save attendance"

    present = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Present",
    )
    guests = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Others present",
        help_text="One a line: name, profession (e.g. 'Sam Lee, school nurse').",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = people
        self.fields["present"].label_from_instance = lambda p: (
            f"{p.display_name}{', ' + p.profession if p.profession else ''}"
        )
        self.helper = self._helper()

    def clean_guests(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["guests"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _, profession = line.partition(",")
            if not name.strip():
                raise forms.ValidationError(f"Line {number}: write the person's name first.")
            rows.append((name.strip()[:200], profession.strip()[:100]))
        return rows


class MoveCaseForm(cc4c_forms.Form):
    to_meeting = forms.ModelChoiceField(queryset=None, label="Move to meeting")

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_meeting"].queryset = meetings


class ScheduleForm(_Crispy, cc4c_forms.Form):
    submit_label = "Schedule meetings"

    first_starts_at = forms.DateTimeField(
        label="First meeting (date and time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    count = forms.IntegerField(label="Number of meetings", min_value=1, max_value=26, initial=6)
    place = forms.CharField(max_length=200, required=False)
    video_link = forms.URLField(required=False, assume_scheme="https")
    chair = forms.ModelChoiceField(queryset=None, required=False)
    invitees = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people
        self.fields["invitees"].queryset = people
        self.helper = self._helper()

    def clean(self):
        data = super().clean()
        if data.get("first_starts_at") and data["first_starts_at"] <= timezone.now():
            self.add_error("first_starts_at", "The first meeting must be in the future.")
        if not data.get("place") and not data.get("video_link"):
            self.add_error(None, "Give a place or a video link.")
        return data


class HistoryFilterForm(cc4c_forms.Form):
    outcome = forms.ChoiceField(choices=[("", "Any outcome"), *Outcome.choices], required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
