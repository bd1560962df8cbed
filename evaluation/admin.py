from django.contrib import admin

from evaluation.models import HospitalActivity, UnitCost
from hubs.admin_scoping import HubScopedAdmin


@admin.register(UnitCost)
class UnitCostAdmin(HubScopedAdmin):
    list_display = [
        "hub",
        "financial_year",
        "op_new",
        "op_new_subspecialty",
        "op_follow_up",
        "ed_attendance",
        "admission",
        "clinic_session",
    ]
    list_filter = ["financial_year"]


@admin.register(HospitalActivity)
class HospitalActivityAdmin(HubScopedAdmin):
    hub_field = "practice__hub"
    list_display = ["practice", "month", "activity", "count"]
    list_filter = ["activity"]
    date_hierarchy = "month"
    list_select_related = ["practice"]
