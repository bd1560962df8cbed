import datetime

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from champions import queries
from champions.models import EXPIRY_NOTICE_DAYS, Activity, Champion, Check, Training
from hubs.access import people_in
from hubs.admin_scoping import HubScopedAdmin, HubScopedInline


class CheckInline(HubScopedInline):
    model = Check
    fields = ["kind", "description", "date", "expires_on"]


class TrainingInline(HubScopedInline):
    model = Training
    fields = ["course", "date", "expires_on"]


class ActivityInline(HubScopedInline):
    model = Activity
    fields = ["date", "type", "hours", "people_reached", "notes"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-date")


class AttentionFilter(admin.SimpleListFilter):
    title = "checks and training"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", "Need attention (expired or expiring within 30 days)")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        horizon = timezone.localdate() + datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
        return queries.with_next_expiry(queryset).filter(
            Q(next_check_expiry__lte=horizon) | Q(next_training_expiry__lte=horizon)
        )


def _attention(champion):
    earliest = min(
        (d for d in (champion.next_check_expiry, champion.next_training_expiry) if d),
        default=None,
    )
    return queries.expiry_state(earliest)


@admin.register(Champion)
class ChampionAdmin(HubScopedAdmin):
    hub_field = "practice__hub"
    list_display = ["name", "champion_ref", "practice", "status", "checks_flag"]
    list_filter = ["status", AttentionFilter, "practice__hub"]
    search_fields = ["given_name", "family_name", "champion_ref", "email"]
    list_select_related = ["practice"]
    inlines = [CheckInline, TrainingInline, ActivityInline]
    fieldsets = [
        (None, {"fields": ["champion_ref", "given_name", "family_name", "practice", "status"]}),
        ("Contact", {"fields": ["email", "phone", "consent_to_contact", "start_date"]}),
        ("Emergency contact", {"fields": ["emergency_contact_name", "emergency_contact_phone"]}),
        ("Sign-in", {"fields": ["person"]}),
    ]

    def get_queryset(self, request):
        return queries.with_next_expiry(super().get_queryset(request))

    @admin.display(description="Checks and training")
    def checks_flag(self, obj):
        state = _attention(obj)
        if state == "expired":
            return format_html('<strong class="overdue">{}</strong>', "Expired")
        if state == "due":
            return format_html("<strong>{}</strong>", "Expires within 30 days")
        return "In date"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person":
            # Only people with a champion role in the coordinator's hubs may be linked.
            kwargs["queryset"] = people_in(self.scoped_hub_ids(request), "champions.self")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Activity)
class ActivityAdmin(HubScopedAdmin):
    hub_field = "champion__practice__hub"
    list_display = ["date", "champion", "type", "hours", "people_reached"]
    list_filter = ["type", "champion__practice__hub"]
    search_fields = ["champion__given_name", "champion__family_name", "champion__champion_ref"]
    list_select_related = ["champion"]
    date_hierarchy = "date"
    autocomplete_fields = ["champion"]
