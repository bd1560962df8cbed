from django.contrib import admin

from advice.models import AdviceLineSettings, AdviceRequest, InboundEmail, Reminder, RotaEntry
from hubs.access import people_in
from hubs.admin_scoping import HubScopedAdmin


@admin.register(RotaEntry)
class RotaEntryAdmin(HubScopedAdmin):
    list_display = ["date", "hub", "paediatrician"]
    list_filter = ["hub"]
    date_hierarchy = "date"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "paediatrician":
            kwargs["queryset"] = people_in(self.scoped_hub_ids(request), "advice.answer")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AdviceLineSettings)
class AdviceLineSettingsAdmin(HubScopedAdmin):
    list_display = ["hub", "pause_clock_when_awaiting_info", "urgent_target_hours"]


@admin.register(AdviceRequest)
class AdviceRequestAdmin(HubScopedAdmin):
    """Coordinators look requests up here; changes go through the advice pages and services."""

    readonly = True
    child_field = "child"
    list_display = ["reference", "hub", "received_at", "channel", "status", "outcome"]
    list_filter = ["hub", "status", "channel", "outcome"]
    search_fields = ["reference"]
    date_hierarchy = "received_at"
    list_select_related = ["hub"]
    exclude = ["child"]  # the child is shown on the request's own, audited page


@admin.register(Reminder)
class ReminderAdmin(HubScopedAdmin):
    hub_field = "request__hub"
    readonly = True
    list_display = ["request", "kind", "created_at", "sent_at", "recipients"]
    list_filter = ["kind"]
    list_select_related = ["request"]


@admin.register(InboundEmail)
class InboundEmailAdmin(HubScopedAdmin):
    readonly = True
    list_display = ["received_at", "hub", "mail_from", "status", "advice_request"]
    list_filter = ["hub", "status"]
    exclude = ["raw"]
