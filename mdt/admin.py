"""The coordinator's admin for MDT meetings, cases and actions, scoped to their hubs."""

from django.contrib import admin

from hubs.admin_scoping import HubScopedAdmin, HubScopedHistoryAdmin, HubScopedInline
from mdt.models import Action, Attendance, CaseDiscussion, Meeting


class AttendanceInline(HubScopedInline):
    model = Attendance
    hub_field = "meeting__hub"
    fields = ["person", "name", "profession", "present"]


@admin.register(Meeting)
class MeetingAdmin(HubScopedAdmin):
    hub_field = "hub"
    list_display = ["starts_at", "hub", "place", "chair", "status"]
    list_filter = ["status", "hub"]
    list_select_related = ["hub", "chair"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["invitees"]
    readonly_fields = ["agenda_sent_at", "started_at", "finished_at", "cancelled_at"]
    inlines = [AttendanceInline]


@admin.register(CaseDiscussion)
class CaseDiscussionAdmin(HubScopedHistoryAdmin):
    hub_field = "meeting__hub"
    child_field = "child"
    list_display = ["__str__", "agenda_order", "outcome", "discussed", "source"]
    list_filter = ["outcome", "discussed", "source"]
    list_select_related = ["meeting", "meeting__hub"]


@admin.register(Action)
class ActionAdmin(HubScopedHistoryAdmin):
    hub_field = "meeting__hub"
    child_field = "case__child"
    list_display = ["__str__", "owner", "due_on", "done_at", "meeting"]
    list_select_related = ["owner", "meeting", "meeting__hub"]
