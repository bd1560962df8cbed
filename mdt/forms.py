from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from cc4c import formatting
from cc4c import forms as cc4c_forms
from cc4c.submissions import SubmittedOnce
from mdt.models import CaseDiscussion, Outcome, ReferrerRole

LEARNING_HELP = (
    "It becomes a draft in the learning library, for the chair to publish. Every hub reads the "
    "library: write the lesson, not the case (no names, NHS numbers or dates of birth)."
)


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


def meeting_choice_label(meeting):
    """ "Tue 8 Dec 2026 12:30, Hub meeting room (3 of 8 cases)"."""
    return (
        f"{formatting.weekday_when(meeting.starts_at)}, {meeting.where} "
        f"({meeting.case_count} of {meeting.hub.mdt_case_cap} cases)"
    )


class PutForwardForm(SubmittedOnce, _Crispy, cc4c_forms.ModelForm):
    submit_label = "Put the case forward"

    meeting = forms.ModelChoiceField(
        queryset=None,
        label="Meeting",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the meeting",
            "invalid_choice": "That meeting is no longer taking cases: choose another",
        },
    )

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

    field_order = ["meeting", "clinical_question"]

    def __init__(self, *args, meetings, choosable, new_meeting_at=None, **kwargs):
        """``meetings``: those with room, shown as the choices (read with their case counts);
        ``choosable``: every meeting a case may be sent to, so that one that filled up since the
        page was shown is refused by the service with its reason; ``new_meeting_at``: when the
        meeting made for the case would be, if none has room."""
        super().__init__(*args, **kwargs)
        self.new_meeting_at = new_meeting_at
        if meetings:
            self.fields["meeting"].queryset = choosable
            # Labels read from the list given, with its counts: no query per choice.
            self.fields["meeting"].widget.choices = [
                (m.pk, meeting_choice_label(m)) for m in meetings
            ]
            self.fields["meeting"].help_text = "The next meeting with room is chosen for you."
        else:
            del self.fields["meeting"]
        self.fields["clinical_question"].required = True
        self.fields["clinical_question"].error_messages["required"] = (
            "Write the question you want the meeting to answer"
        )
        self.fields["consent_recorded"].required = True
        self.fields["consent_recorded"].error_messages["required"] = (
            "Confirm the family (or the young person) agreed to the case being discussed"
        )
        self.fields[
            "consent_recorded"
        ].help_text = "The family (or the young person) agreed to the case being discussed."
        self.fields["referrer_role"].required = True
        self.fields["referrer_role"].error_messages["required"] = "Select your role"
        self.fields["referrer_role"].choices = [("", "Choose…"), *ReferrerRole.choices]
        self.fields["referrer_role"].help_text = "Remembered for the next case you put forward."
        self.helper = self._helper()

    def clean(self):
        data = super().clean()
        if "meeting" not in self.fields and self.data.get("meeting"):
            # The meeting chosen filled up and no other has room: say so before making one.
            message = "The meeting you chose has no room left, and no other meeting has."
            if self.new_meeting_at is not None:
                when = formatting.weekday_when(self.new_meeting_at)
                message += f" Put the case forward again to take it to a new meeting on {when}."
            self.add_error(None, message)
        return data


class OutcomeForm(cc4c_forms.Form):
    """The meeting's decision on a case; rendered with the new actions as one form."""

    outcome = forms.ChoiceField(
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the meeting's outcome"},
    )
    named_professional = forms.CharField(
        label="Named professional or service",
        max_length=200,
        required=False,
        help_text="For a referral to a named professional: who or which service.",
    )
    plan = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    learning_points = forms.CharField(
        label="Learning point",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=LEARNING_HELP,
    )
    refer_to_clinic = forms.BooleanField(
        label="Also put the child on the outreach clinic waiting list",
        required=False,
        help_text="For an outreach clinic outcome: the coordinator then books the appointment.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("outcome") == Outcome.NAMED_PROFESSIONAL
            and not data.get("named_professional", "").strip()
        ):
            self.add_error("named_professional", "Name the professional or service")
        return data


class ActionRowForm(cc4c_forms.Form):
    """One new action on the case screen: left empty, it is ignored."""

    description = forms.CharField(
        label="What is to be done", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner = forms.ModelChoiceField(
        queryset=None,
        label="Who will do it",
        required=False,
        error_messages={"invalid_choice": "Choose who will do it from the list of people"},
    )
    due_on = forms.DateField(
        label="Due by",
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        error_messages={"invalid": "Enter the due date as a date, e.g. 22/12/2026"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people

    @property
    def number(self):
        """1 for the first row ("actions-0"): the messages name the row, as the page does."""
        return int(self.prefix.rsplit("-", 1)[1]) + 1 if self.prefix else 1

    def clean(self):
        data = super().clean()
        if self.errors or not any(
            [data.get("description", "").strip(), data.get("owner"), data.get("due_on")]
        ):
            return data
        row = f"New action {self.number}"
        if not data.get("description", "").strip():
            self.add_error("description", f"{row}: describe what is to be done")
        if not data.get("owner"):
            self.add_error("owner", f"{row}: choose who will do it")
        if not data.get("due_on"):
            self.add_error("due_on", f"{row}: enter the date it is due by")
        elif data["due_on"] < timezone.localdate():
            self.add_error("due_on", f"{row}: the due date cannot be in the past")
        return data

    @property
    def is_filled(self):
        return bool(self.is_valid() and self.cleaned_data.get("description", "").strip())

    def current_values(self):
        """What the person typed in this form, as initial values to show it again."""
        return {name: self[name].value() for name in self.fields}


ActionRows = forms.formset_factory(ActionRowForm, extra=1)
ACTION_ROWS_PREFIX = "actions"


def action_rows(data=None, *, people, initial=None):
    """The case screen's new action rows; a post without them (no management form: a client
    sending only the outcome) has none, rather than failing."""
    if data is not None and f"{ACTION_ROWS_PREFIX}-TOTAL_FORMS" not in data:
        data = None
    return ActionRows(
        data, prefix=ACTION_ROWS_PREFIX, initial=initial, form_kwargs={"people": people}
    )


def kept(outcome_form, rows, *, people):
    """The same two forms unbound, showing what was typed, the action rows typed in and one
    empty row after them: what the case screen shows after "Add another action" (nothing saved,
    nothing lost, no errors)."""
    again = OutcomeForm(initial={name: outcome_form[name].value() for name in outcome_form.fields})
    typed = [values for values in (row.current_values() for row in rows) if any(values.values())]
    return again, action_rows(people=people, initial=typed)


class ErrorSummarySource:
    """The forms of one page read as one by ``{% error_summary %}``: one summary at the top for
    them all; the tag marks each of ``summary_parts`` as shown, so none draws its own."""

    def __init__(self, *forms):
        self.summary_parts = [form for form in forms if form is not None]

    @property
    def errors(self):
        return any(form.errors for form in self.summary_parts)

    def non_field_errors(self):
        return [error for form in self.summary_parts for error in form.non_field_errors()]

    def __iter__(self):
        for form in self.summary_parts:
            yield from form


class ActionForm(_Crispy, cc4c_forms.Form):
    submit_label = "Add action"

    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the action"},
    )
    owner = forms.ModelChoiceField(
        queryset=None, label="Owner", error_messages={"required": "Choose who will do it"}
    )
    due_on = forms.DateField(
        label="Due date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date it is due by"},
    )

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


class MeetingForm(_Crispy, cc4c_forms.Form):
    """The coordinator changes a meeting's time, place and video link."""

    submit_label = "Save the changes"

    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": "Enter the date and time of the meeting",
            "invalid": "Enter the date and time as a date and a 24-hour time",
        },
    )
    place = forms.CharField(max_length=200, required=False)
    video_link = forms.URLField(
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter the video link as a web address, e.g. https://..."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data["starts_at"] <= timezone.now():
            self.add_error("starts_at", "The meeting must be in the future")
        if (
            "place" in data
            and "video_link" in data
            and not data["place"].strip()
            and not data["video_link"].strip()
        ):
            self.add_error("place", "Give a place or a video link")
        return data


class RemoveCaseForm(_Crispy, cc4c_forms.Form):
    submit_label = "Take the case off the agenda"

    reason = forms.CharField(
        label="Reason for taking it off",
        max_length=100,
        help_text="Kept in the case's history. The person who put it forward is told it was "
        "taken off, not why.",
        error_messages={"required": "Say why the case is taken off the agenda"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()


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
