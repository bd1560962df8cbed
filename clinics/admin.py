"""The coordinator's admin for clinic sessions, referrals, appointments and follow-ups,
scoped to their hubs. History is kept for appointments and follow-ups."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clinics import services
from clinics.models import Appointment, ClinicSession, NotBroughtFollowUp, Referral, Slot
from hubs.admin_scoping import HubScopedAdmin, HubScopedInline
from population.models import Child


class ScopedChoicesMixin:
    """Foreign keys typed in as ids (raw id fields) still only accept the coordinator's hubs."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = self.scoped_hub_ids(request)
        scoped = {
            "child": lambda: Child.objects.filter(practice__hub_id__in=ids),
            "slot": lambda: Slot.objects.filter(session__hub_id__in=ids),
            "referral": lambda: Referral.objects.filter(hub_id__in=ids),
            "appointment": lambda: Appointment.objects.filter(slot__session__hub_id__in=ids),
        }
        if db_field.name in scoped:
            kwargs["queryset"] = scoped[db_field.name]()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SlotInline(HubScopedInline):
    model = Slot
    fields = ["start_time"]


@admin.register(ClinicSession)
class ClinicSessionAdmin(HubScopedAdmin):
    hub_field = "hub"
    list_display = ["date", "start_time", "end_time", "host_practice", "hub", "status"]
    list_filter = ["hub", "status"]
    list_select_related = ["hub", "host_practice"]
    date_hierarchy = "date"
    filter_horizontal = ["clinicians"]
    inlines = [SlotInline]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        session = form.instance
        if not session.slots.exists():
            Slot.objects.bulk_create(
                Slot(session=session, start_time=t) for t in session.slot_times()
            )
        # Its clinicians' calendars follow (a new session, a time changed, a clinician added).
        services.session_changed(session=session, by=request.user)


@admin.register(Referral)
class ReferralAdmin(ScopedChoicesMixin, HubScopedAdmin, SimpleHistoryAdmin):
    hub_field = "hub"
    child_field = "child"
    list_display = ["id", "child", "hub", "referral_date", "priority", "source", "status"]
    list_filter = ["hub", "status", "priority", "source"]
    list_select_related = ["child", "hub"]
    raw_id_fields = ["child"]
    exclude = ["referred_by"]


@admin.register(Appointment)
class AppointmentAdmin(ScopedChoicesMixin, HubScopedAdmin, SimpleHistoryAdmin):
    hub_field = "slot__session__hub"
    child_field = "child"
    list_display = ["id", "slot", "child", "type", "status", "outcome"]
    list_filter = ["status", "type", "outcome"]
    list_select_related = ["slot__session__host_practice", "child"]
    raw_id_fields = ["slot", "child", "referral"]
    readonly_fields = ["booked_by", "booked_at"]


@admin.register(NotBroughtFollowUp)
class NotBroughtFollowUpAdmin(ScopedChoicesMixin, HubScopedAdmin, SimpleHistoryAdmin):
    hub_field = "appointment__slot__session__hub"
    child_field = "appointment__child"
    list_display = ["id", "appointment", "status", "escalated", "decision", "decided_at"]
    list_filter = ["status", "escalated", "decision"]
    list_select_related = ["appointment"]
    raw_id_fields = ["appointment"]
    readonly_fields = ["decided_by", "decided_at", "opened_at", "escalated_at"]
    filter_horizontal = ["assigned_to"]
