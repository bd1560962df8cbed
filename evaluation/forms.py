from django import forms

from cc4c import forms as cc4c_forms
from evaluation.periods import Period
from hubs import access


class BuildReportForm(cc4c_forms.Form):
    hubs = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="A report over several hubs gives each hub's figures and their total.",
    )
    period_from = forms.DateField(
        label="Period from", widget=forms.DateInput(attrs={"type": "date"})
    )
    period_to = forms.DateField(label="Period to", widget=forms.DateInput(attrs={"type": "date"}))
    baseline_from = forms.DateField(
        label="Baseline from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave both baseline dates empty for the same number of whole months "
        "immediately before the period.",
    )
    baseline_to = forms.DateField(
        label="Baseline to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    suppressed = forms.BooleanField(label="Hide small numbers", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        hubs = access.hubs_for(user, "report.view").order_by("name")
        self.fields["hubs"].queryset = hubs
        # One hub is chosen already, and said rather than offered.
        choices = list(hubs)
        self.only_hub = choices[0] if len(choices) == 1 else None
        if self.only_hub:
            self.fields["hubs"].initial = [self.only_hub.pk]
            self.fields["hubs"].widget = forms.MultipleHiddenInput()
        # Someone who may see no hub's identifiable figures always gets small numbers hidden:
        # a statement on the page, not a box to click.
        viewable = access.hub_ids(user, "report.view")
        self.always_suppressed = not (viewable & access.hub_ids(user, "report.identifiable"))
        if self.always_suppressed:
            del self.fields["suppressed"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["period"] = Period.of(
                data["period_from"],
                data["period_to"],
                data.get("baseline_from"),
                data.get("baseline_to"),
            )
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        allowed = access.hub_ids(self.user, "report.identifiable")
        if self.always_suppressed or not {hub.pk for hub in data["hubs"]} <= allowed:
            data["suppressed"] = True
        return data
