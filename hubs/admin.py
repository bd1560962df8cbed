from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hubs.models import AuditEvent, Hub, Membership, Person, Practice


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "response_target", "response_target_unit"]
    search_fields = ["code", "name"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["ods_code", "name", "hub", "postcode", "list_size"]
    list_filter = ["hub"]
    search_fields = ["ods_code", "name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0


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
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "person", "hub", "action", "object_type", "object_id", "child_id"]
    list_filter = ["action", "hub"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
