"""The coordinator's admin for the population framework.

Segments, value sets and rules are global data (one framework for all hubs, as clinical leads
agree it): any hub's coordinator may edit them, and every change re-segments every child in the
background once saved. Children are scoped to the coordinator's hubs and mostly read-only: they
come from the population import.
"""

from django import forms
from django.contrib import admin

from hubs.admin_scoping import HubScopedAdmin, HubScopedHistoryAdmin
from population import services
from population.imports import snomed_concept_id
from population.models import Child, Segment, SegmentRule, ValueSet


class SegmentationAdmin(HubScopedAdmin):
    """Global segmentation data: a change re-segments every child once committed.

    Not a hub's rows: every coordinator (of any hub) reaches all of them; staff without a
    coordinator role reach none.
    """

    hub_field = None
    global_data = True

    def scope(self, queryset, request):
        return queryset if self._allowed(request) else queryset.none()

    def in_scope(self, request, obj, *, wholly=False):
        return True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.segmentation_changed(by=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.segmentation_changed(by=request.user)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.segmentation_changed(by=request.user)


@admin.register(Segment)
class SegmentAdmin(SegmentationAdmin):
    list_display = ["number", "name", "description"]
    ordering = ["number"]

    def has_add_permission(self, request):
        # The eight segments are fixed in number; coordinators rename and describe them.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ValueSetForm(forms.ModelForm):
    class Meta:
        model = ValueSet
        fields = ["name", "title", "kind", "codes"]

    def clean_codes(self):
        # The same check as the children import, so a value set can match what is imported.
        codes, errors = [], []
        for code in self.cleaned_data["codes"]:
            try:
                codes.append(snomed_concept_id(code.strip()))
            except ValueError as exc:
                errors.append(str(exc))
        if errors:
            raise forms.ValidationError(errors)
        return list(dict.fromkeys(codes))


@admin.register(ValueSet)
class ValueSetAdmin(SegmentationAdmin):
    form = ValueSetForm
    list_display = ["title", "name", "kind", "codes"]
    list_filter = ["kind"]
    search_fields = ["name", "title"]


@admin.register(SegmentRule)
class SegmentRuleAdmin(SegmentationAdmin):
    list_display = ["__str__", "segment", "condition", "value_set", "flag", "count"]
    list_filter = ["segment", "condition"]
    list_select_related = ["segment", "value_set"]
    autocomplete_fields = ["value_set"]


@admin.register(Child)
class ChildAdmin(HubScopedHistoryAdmin):
    """Children of the coordinator's hubs, to look up (with the history of each record).

    They come from the population import; asthma plan reviews are recorded by clinicians.
    """

    hub_field = "practice__hub"
    child_field = "pk"

    list_display = ["family_name", "given_name", "nhs_number", "practice", "segment"]
    list_filter = ["segment"]
    list_select_related = ["practice"]
    search_fields = ["nhs_number", "family_name", "given_name"]
    search_help_text = "NHS number (whole, or its first digits) or parts of the name."
    fields = [
        "nhs_number",
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "postcode",
        "imd_decile",
        "practice",
        "registered_on",
        "deregistered_on",
        "conditions",
        "flags",
        "asthma_plan_reviewed_on",
        "segment",
        "segment_reasons",
    ]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        # The service's one child search, so the admin finds what every other search finds.
        return self.scope(queryset.search(search_term), request), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Programmes and their care processes (population/programmes/admin.py).
from population.programmes import admin as programme_admin  # noqa: E402, F401
