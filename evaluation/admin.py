from django.contrib import admin

from evaluation.models import HospitalActivity, HubCost, Tariff
from hubs.admin_scoping import HubScopedAdmin


@admin.register(Tariff)
class TariffAdmin(HubScopedAdmin):
    """National tariffs (no hub) are the operator's; a coordinator keeps their hubs' own."""

    list_display = ["activity", "valid_from", "price_gbp", "hub", "source"]
    list_filter = ["activity", "hub"]
    list_select_related = ["hub"]
    date_hierarchy = "valid_from"

    def scope(self, queryset, request):
        scoped = super().scope(queryset, request)
        if request.user.is_superuser or not self._allowed(request):
            return scoped
        # Coordinators read the national defaults their reports use, and change only their own.
        return scoped | queryset.filter(hub__isnull=True)

    def in_scope(self, request, obj, *, wholly=False):
        if obj.pk is not None and obj.hub_id is None and not request.user.is_superuser:
            return not wholly  # a national tariff: every coordinator reads it
        return super().in_scope(request, obj, wholly=wholly)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.hub_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.hub_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "hub" and not request.user.is_superuser:
            field.required = True  # a coordinator's price is always a hub's
        return field


@admin.register(HubCost)
class HubCostAdmin(HubScopedAdmin):
    list_display = ["hub", "financial_year", "clinic_session_gbp", "yearly_gbp"]
    list_filter = ["financial_year"]
    list_select_related = ["hub"]


@admin.register(HospitalActivity)
class HospitalActivityAdmin(HubScopedAdmin):
    hub_field = "practice__hub"
    list_display = ["practice", "month", "activity", "count"]
    list_filter = ["activity"]
    date_hierarchy = "month"
    list_select_related = ["practice"]
