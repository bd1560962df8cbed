"""The coordinator's admin for programmes and their care processes: global data, like the
segmentation (one set of programmes for every hub, edited by any hub's coordinator)."""

from django import forms
from django.contrib import admin

from hubs.admin_scoping import HubScopedAdmin
from population.imports import snomed_concept_id
from population.programmes.models import CareProcess, Programme


class GlobalDataAdmin(HubScopedAdmin):
    """Shared by every hub: every coordinator reaches all of it; others none."""

    hub_field = None
    global_data = True

    def scope(self, queryset, request):
        return queryset if self._allowed(request) else queryset.none()

    def in_scope(self, request, obj, *, wholly=False):
        return True


class CareProcessForm(forms.ModelForm):
    class Meta:
        model = CareProcess
        fields = ["key", "title", "interval_days", "after", "codes", "reads_asthma_plan_date"]

    def clean_codes(self):
        # The same check as the imports, so a process matches the codes a file holds.
        codes, errors = [], []
        for code in self.cleaned_data["codes"]:
            try:
                codes.append(snomed_concept_id(code.strip()))
            except ValueError as exc:
                errors.append(str(exc))
        if errors:
            raise forms.ValidationError(errors)
        return list(dict.fromkeys(codes))

    def clean(self):
        cleaned = super().clean()
        after = cleaned.get("after")
        if after is not None and cleaned.get("interval_days") is None:
            self.add_error(
                "interval_days", "Give the days within which it is due after each event."
            )
        if (
            after is not None
            and self.instance.programme_id
            and after.programme_id != (self.instance.programme_id)
        ):
            self.add_error("after", "Choose a process of the same programme.")
        return cleaned


class CareProcessInline(admin.TabularInline):
    model = CareProcess
    form = CareProcessForm
    fk_name = "programme"
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(GlobalDataAdmin):
    list_display = ["title", "key", "age_band", "whole_population", "active"]
    list_filter = ["active"]
    search_fields = ["title", "key"]
    filter_horizontal = ["value_sets"]
    inlines = [CareProcessInline]
