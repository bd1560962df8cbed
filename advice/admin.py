from django.contrib import admin
from django.utils.html import format_html

from advice.models import AdviceLineSettings, AdviceRequest, InboundEmail, Reminder, RotaEntry
from hubs.access import people_in
from hubs.admin_scoping import HubScopedAdmin

# The first this many characters of a kept message are shown in its admin page.
MESSAGE_SHOWN = 200_000


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
    """Every message to the hub's advice address, refused, held and stuck ones too: the
    coordinator reads what came and why it was refused (read only; the sweep retries)."""

    readonly = True
    list_display = ["received_at", "hub", "sender", "subject", "status", "proof", "advice_request"]
    list_filter = ["hub", "status"]
    search_fields = ["sender", "mail_from", "subject", "message_id"]
    date_hierarchy = "received_at"
    list_select_related = ["hub", "advice_request"]
    exclude = ["raw", "confirm_digest"]
    readonly_fields = ["message"]

    @admin.display(description="Message as received")
    def message(self, obj):
        text = bytes(obj.raw or b"").decode("utf-8", "replace")
        return format_html("<pre>{}</pre>", text[:MESSAGE_SHOWN])
