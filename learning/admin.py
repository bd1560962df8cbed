from django import forms
from django.contrib import admin

from cc4c.errors import ServiceError
from hubs.admin_scoping import HubScopedAdmin, HubScopedHistoryAdmin
from learning.models import LearningPoint, TeachingSession
from learning.services import refuse_identifiers


class LearningPointAdminForm(forms.ModelForm):
    class Meta:
        model = LearningPoint
        fields = ["title", "topic", "segment", "text"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("title") and cleaned.get("text"):
            try:
                refuse_identifiers(
                    self.instance.meeting, title=cleaned["title"], text=cleaned["text"]
                )
            except ServiceError as error:
                self.add_error(error.field, str(error))
        return cleaned


@admin.register(LearningPoint)
class LearningPointAdmin(HubScopedHistoryAdmin):
    """Coordinators may correct a point's wording (checked like the meeting's form) or remove
    it; points are recorded at the meeting and only its chair publishes them."""

    form = LearningPointAdminForm
    hub_field = "meeting__hub"
    list_display = ["title", "topic", "segment", "meeting", "status", "recorded_by"]
    list_filter = ["status", "topic", "meeting__hub"]
    search_fields = ["title", "text"]
    list_select_related = ["meeting", "meeting__hub", "segment", "recorded_by"]
    fields = [
        "meeting",
        "title",
        "topic",
        "segment",
        "text",
        "status",
        "decline_reason",
        "recorded_by",
        "recorded_at",
        "reviewed_by",
        "reviewed_at",
    ]
    readonly_fields = [
        "meeting",
        "status",
        "decline_reason",
        "recorded_by",
        "recorded_at",
        "reviewed_by",
        "reviewed_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(TeachingSession)
class TeachingSessionAdmin(HubScopedAdmin):
    hub_field = "hub"
    list_display = ["date", "title", "person", "role", "hours", "hub"]
    list_filter = ["role", "hub"]
    search_fields = ["title", "person__first_name", "person__last_name", "person__email"]
    list_select_related = ["person", "hub"]
    date_hierarchy = "date"
    raw_id_fields = ["person"]
