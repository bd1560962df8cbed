import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from cc4c import forms as cc4c_forms
from learning.models import LearningPoint, TeachingSession, Topic
from learning.queries import SORTS
from population.models import Segment

TEXT_LIMIT = 2000
NO_IDENTIFIERS = (
    "Every hub reads the library: write the lesson, not the case. No names, NHS numbers, "
    "dates of birth or other details that could identify a child or family."
)


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


def _bootstrap(form):
    """Bootstrap classes for a search form laid out by hand in a row."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class LearningPointForm(cc4c_forms.ModelForm):
    """A learning point as the meeting's attendees write it (and the chair corrects it)."""

    class Meta:
        model = LearningPoint
        fields = ["title", "topic", "segment", "text"]
        labels = {"title": "Short title", "segment": "Segment of need (optional)"}
        help_texts = {"text": NO_IDENTIFIERS}
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, submit="Record the learning point", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = TEXT_LIMIT
        self.fields["text"].widget.attrs["maxlength"] = TEXT_LIMIT
        self.fields["segment"].empty_label = "Not about one segment"
        self.helper = FormHelper()
        self.helper.form_tag = False
        if submit:
            self.helper.add_input(Submit("save", submit))

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > TEXT_LIMIT:
            raise forms.ValidationError(f"Keep it to {TEXT_LIMIT} characters.")
        return text


class ReviewForm(LearningPointForm):
    """The chair's review: publish as corrected, or decline with a reason."""

    reason = forms.CharField(
        label="Reason for not publishing",
        required=False,
        max_length=300,
        help_text="Only needed if you do not publish it. The person who wrote it sees this.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit=None, **kwargs)
        self.helper.add_input(Submit("publish", "Publish to the library"))
        self.helper.add_input(
            Submit("decline", "Do not publish", css_class="btn btn-outline-danger")
        )


class DateRangeForm(cc4c_forms.Form):
    """A form with ``date_from`` and ``date_to``, each optional, the end not before the start."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must not be before the start date.")
        return cleaned


class LibrarySearchForm(DateRangeForm):
    q = forms.CharField(label="Words", required=False, max_length=200)
    topic = forms.ChoiceField(
        label="Topic", required=False, choices=[("", "Any topic"), *Topic.choices]
    )
    segment = forms.ModelChoiceField(
        label="Segment", required=False, queryset=Segment.objects.all(), empty_label="Any segment"
    )
    date_from = forms.DateField(label="Meetings from", required=False, widget=_date_input())
    date_to = forms.DateField(label="Meetings to", required=False, widget=_date_input())
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("topic", "By topic")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean_sort(self):
        sort = self.cleaned_data["sort"]
        return sort if sort in SORTS else "newest"


class PeriodForm(DateRangeForm):
    """The period of a CPD record: the last twelve months unless the person picks dates."""

    date_from = forms.DateField(label="From", required=False, widget=_date_input())
    date_to = forms.DateField(label="To", required=False, widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    @staticmethod
    def default_period():
        today = timezone.localdate()
        return today - datetime.timedelta(days=365), today

    def period(self):
        """(from, to), the defaults filling what the person left out or got wrong."""
        start, end = self.default_period()
        if self.is_valid():
            start = self.cleaned_data["date_from"] or start
            end = self.cleaned_data["date_to"] or end
        return start, end


class TeachingForm(cc4c_forms.ModelForm):
    class Meta:
        model = TeachingSession
        fields = ["date", "title", "role", "hub", "hours"]
        labels = {"title": "What the teaching was about", "role": "Did you deliver or attend it?"}
        help_texts = {"hours": "For example 1.5 for an hour and a half."}
        widgets = {"date": _date_input(), "role": forms.RadioSelect}

    def __init__(self, *args, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs
        self.fields["hub"].empty_label = None
        self.fields["hours"].widget.attrs.update(min="0.25", max="12", step="0.25")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Save teaching"))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return date
