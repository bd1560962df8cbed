from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hubs.admin_scoping import HubScopedAdmin, HubScopedInline
from hubs.models import AuditEvent, Hub, Membership, Person, Practice


@admin.register(Hub)
class HubAdmin(HubScopedAdmin):
    hub_field = "pk"

    list_display = ["code", "name", "response_target", "response_target_unit"]
    search_fields = ["code", "name"]


@admin.register(Practice)
class PracticeAdmin(HubScopedAdmin):
    list_display = ["ods_code", "name", "hub", "postcode", "list_size"]
    list_filter = ["hub"]
    search_fields = ["ods_code", "name"]


class MembershipInline(HubScopedInline):
    model = Membership
    fk_name = "person"


@admin.register(Person)
class PersonAdmin(UserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "profession", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "profession", "registration_number"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "first_name", "last_name", "profession"]})]
    inlines = [MembershipInline]


@admin.register(AuditEvent)
class AuditEventAdmin(HubScopedAdmin):
    action = "audit.view"
    readonly = True

    list_display = ["at", "person", "hub", "action", "object_type", "object_id", "child_id"]
    list_filter = ["action", "hub"]
