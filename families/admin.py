from django.contrib import admin

from families.models import Carer, ContactTask, FamilySettings, Message
from hubs.admin_scoping import HubScopedAdmin, HubScopedHistoryAdmin


@admin.register(FamilySettings)
class FamilySettingsAdmin(HubScopedAdmin):
    list_display = ["hub", "phone", "reminder_days", "waiting_check_weeks"]


@admin.register(Carer)
class CarerAdmin(HubScopedHistoryAdmin):
    """Coordinators look contacts up here; they are changed on the child's record."""

    hub_field = "child__practice__hub"
    child_field = "child"
    readonly = True
    list_display = ["name", "relationship", "preferred_channel", "consent_to_messages"]
    list_filter = ["relationship", "preferred_channel", "consent_to_messages"]
    exclude = ["child"]  # the child is shown on their own, audited page


@admin.register(Message)
class MessageAdmin(HubScopedAdmin):
    child_field = "child"
    readonly = True
    list_display = ["kind", "hub", "created_at"]
    list_filter = ["kind"]
    exclude = ["child", "carer", "appointment", "referral", "follow_up", "advice_request", "link"]


@admin.register(ContactTask)
class ContactTaskAdmin(HubScopedAdmin):
    hub_field = "carer__child__practice__hub"
    readonly = True
    list_display = ["reason", "opened_at", "closed_at"]
    exclude = ["carer", "message"]
