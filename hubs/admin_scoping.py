"""The coordinator's admin site, scoped to their hubs through the same rules as every view.

Every ModelAdmin of the project derives from ``HubScopedAdmin`` and names the path from its
model to the hub (``hub_field``). Coordinators see, choose and change only their hubs' rows;
``is_staff`` alone grants nothing; a row outside their hubs answers 404.
"""

from django.contrib import admin
from django.http import Http404

from hubs import access


class HubScopedAdmin(admin.ModelAdmin):
    hub_field = "hub"  # path from this model to its Hub, e.g. "practice__hub"
    action = "hub.manage"  # the hubs.access action that grants this admin
    readonly = False  # True for records the admin site only shows (the audit trail)

    def scoped_hub_ids(self, request):
        return access.hub_ids(request.user, self.action)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.hub_field is None:
            return qs
        return qs.filter(**{f"{self.hub_field}__in": self.scoped_hub_ids(request)})

    def _allowed(self, request):
        return request.user.is_active and bool(self.scoped_hub_ids(request))

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return not self.readonly and self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return not self.readonly and self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return not self.readonly and self._allowed(request)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Out of scope looks like absent: 404, not the admin's "does not exist" redirect.
            raise Http404("No such record.")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, HubScopedAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, HubScopedAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HubScopedInline(admin.TabularInline):
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, HubScopedAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _allowed(self, request):
        return request.user.is_active and access.can(request.user, "hub.manage")

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)
