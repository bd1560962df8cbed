import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from cc4c import forms as cc4c_forms
from population.models import Flag
from population.programmes.models import ExclusionReason

STATUS_CHOICES = [
    ("", "Never done, overdue or due soon"),
    ("never", "Never done"),
    ("overdue", "Overdue"),
    ("due", "Due soon"),
]
QUINTILE_CHOICES = [("", "Any")] + [
    (str(q), f"{q}{' (most deprived, Core20)' if q == 1 else ''}") for q in range(1, 6)
]
FLAG_CHOICES = [("", "Any")] + [
    (str(f), f.label) for f in (Flag.LOOKED_AFTER, Flag.YOUNG_CARER, Flag.SEND_EHCP)
]
SORT_CHOICES = [("risk", "Highest risk first"), ("due", "Longest overdue first"), ("name", "Name")]
DEFAULT_EXCLUSION_DAYS = 365


class WorklistForm(cc4c_forms.Form):
    """What a programme worklist is narrowed to."""

    q = forms.CharField(label="Name or NHS number", required=False, max_length=100)
    process = forms.ChoiceField(label="Care process", required=False)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    quintile = forms.ChoiceField(
        label="Deprivation (IMD quintile)", choices=QUINTILE_CHOICES, required=False
    )
    flag = forms.ChoiceField(label="Flag", choices=FLAG_CHOICES, required=False)
    sort = forms.ChoiceField(label="Order", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, processes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.processes = {p.key: p for p in processes if p.interval_days is not None}
        self.fields["process"].choices = [("", "Every care process")] + [
            (key, p.title) for key, p in self.processes.items()
        ]

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_bound and self.is_valid() else ""

    def narrowed(self, children):
        """``children`` searched and filtered by deprivation quintile and flag."""
        children = children.search(self.value("q"))
        if quintile := self.value("quintile"):
            q = int(quintile)
            children = children.filter(imd_decile__in=[2 * q - 1, 2 * q])
        if flag := self.value("flag"):
            children = children.filter(flags__contains=[flag])
        return children


def _default_until():
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_EXCLUSION_DAYS)


class ExclusionForm(cc4c_forms.Form):
    reason = forms.ChoiceField(
        label="Why the child is excluded",
        choices=ExclusionReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the child is excluded"},
    )
    until = forms.DateField(
        label="Excluded until",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=_default_until,
        help_text="The child comes back on the worklist after this day.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=200,
        help_text="No more than 200 characters.",
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The service's own messages (error summary and field), not the browser's.
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Exclude"))
