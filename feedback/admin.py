"""The coordinator's admin for family answers (approving comments) and MDT ratings, scoped to
their hubs. Feedback links are not listed: they lead to an appointment, and so to a child."""

from django.contrib import admin
from django.utils import timezone

from feedback.models import CommentStatus, FamilyResponse, ProfessionalFeedback
from hubs.admin_scoping import HubScopedAdmin


@admin.register(FamilyResponse)
class FamilyResponseAdmin(HubScopedAdmin):
    hub_field = "hub"
    list_display = ["received_on", "hub", "contact", "experience", "place", "comment_status"]
    list_filter = ["hub", "comment_status", "experience", "contact"]
    list_select_related = ["hub"]
    date_hierarchy = "received_on"
    fields = [
        "hub",
        "contact",
        "contact_date",
        "received_on",
        "experience",
        "place",
        "comment",
        "comment_status",
        "moderated_by",
        "moderated_at",
    ]
    readonly_fields = [f for f in fields if f != "comment_status"]
    actions = ["approve_comments", "hide_comments"]

    def has_add_permission(self, request):
        return False  # answers come from families only

    def save_model(self, request, obj, form, change):
        if "comment_status" in form.changed_data:
            obj.moderated_by = request.user
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def _moderate(self, request, queryset, status):
        changed = (
            queryset.exclude(comment_status=CommentStatus.NONE)
            .filter(pk__in=self.get_queryset(request).values("pk"))
            .update(comment_status=status, moderated_by=request.user, moderated_at=timezone.now())
        )
        self.message_user(request, f"{changed} comment(s) updated.")

    @admin.action(description="Approve the selected comments for showing")
    def approve_comments(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.APPROVED)

    @admin.action(description="Keep the selected comments hidden")
    def hide_comments(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.REJECTED)


@admin.register(ProfessionalFeedback)
class ProfessionalFeedbackAdmin(HubScopedAdmin):
    hub_field = "meeting__hub"
    list_display = ["meeting", "person", "usefulness", "learned_something", "created_at"]
    list_filter = ["meeting__hub", "usefulness", "learned_something"]
    list_select_related = ["meeting__hub", "person"]
    raw_id_fields = ["meeting", "person"]
    readonly_fields = ["created_at"]
