"""The coordinator's admin site, scoped to their hubs through the same rules as every view.

Every ModelAdmin of the project derives from ``HubScopedAdmin`` and names the path from its
model to the hub (``hub_field``). Coordinators see, choose, filter, search and change only
their hubs' rows; ``is_staff`` alone grants nothing; a row outside their hubs answers 404.
Models with change history use ``HubScopedHistoryAdmin``. Admins of third-party apps (task
schedules, e-mail addresses, authenticators) are made superuser-only by
``make_superuser_only``.
"""

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from hubs import access, audit

_HUBS_ATTR = "_cc4c_hub_ids"


def _is_multivalued(model, path):
    """Does following ``path`` from ``model`` cross a reverse or many-to-many relation?"""
    try:
        fields = get_fields_from_path(model, path)
    except (FieldDoesNotExist, NotRelationField):  # "pk" and other aliases
        return False
    return any(f.many_to_many or f.one_to_many for f in fields)


def scoped_queryset_for(model, request, admin_site=None):
    """The rows of ``model`` the request's user may pick or see, or None when nothing scopes it.

    The related model's own scoped admin decides; failing that, its ``visible_to(user)``.
    """
    site = admin_site or admin.site
    related_admin = site._registry.get(model)
    if isinstance(related_admin, HubScopedAdmin):
        return related_admin.choices_queryset(request)
    if isinstance(related_admin, SuperuserOnlyAdmin) and not request.user.is_superuser:
        return model._default_manager.none()
    visible_to = getattr(model._default_manager, "visible_to", None)
    if visible_to is not None:
        return visible_to(request.user)
    return None


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter on a relation offering only the related rows the user may see."""

    def field_choices(self, field, request, model_admin):
        qs = scoped_queryset_for(field.related_model, request, model_admin.admin_site)
        if qs is None:
            # Nothing scopes the related model: offer only values the scoped list holds.
            pks = model_admin.get_queryset(request).distinct().values_list(field.name, flat=True)
            qs = field.related_model._default_manager.filter(pk__in=pks)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            qs = qs.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in qs]


def _scope_list_filter(model, entry):
    """Swap a plain relation filter for one whose choices are scoped."""
    if isinstance(entry, str):
        try:
            field = get_fields_from_path(model, entry)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return entry
        if field.is_relation:
            return (entry, ScopedRelatedFieldListFilter)
        return entry
    if isinstance(entry, tuple | list) and entry[1] in (
        admin.RelatedFieldListFilter,
        admin.RelatedOnlyFieldListFilter,
    ):
        return (entry[0], ScopedRelatedFieldListFilter)
    return entry


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """An id typed into a raw id field is labelled only when the user may see that row."""

    def __init__(self, rel, admin_site, queryset, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            visible = self.queryset.filter(**{key: value}).exists()
        except (ValueError, ValidationError):
            visible = False
        return super().label_and_url_for_value(value) if visible else ("", "")


class _ScopedFormfieldsMixin:
    def _scoped_choices(self, db_field, request, kwargs):
        if "queryset" not in kwargs:
            qs = scoped_queryset_for(db_field.related_model, request, self.admin_site)
            if qs is not None:
                kwargs["queryset"] = qs
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scoped_choices(db_field, request, kwargs)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, ForeignKeyRawIdWidget):
            field.widget = ScopedRawIdWidget(
                db_field.remote_field, self.admin_site, field.queryset, using=field.widget.db
            )
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HubScopedAdmin(_ScopedFormfieldsMixin, admin.ModelAdmin):
    hub_field = "hub"  # path from this model to its Hub, e.g. "practice__hub"
    action = "hub.manage"  # the hubs.access action that grants this admin
    readonly = False  # True for records the admin site only shows (the audit trail)
    # True for data shared by every hub (no patient data, no hub): such an admin overrides
    # scope() and in_scope() itself, and the admin matrix needs no hub-B builder for it.
    global_data = False
    # Path from this model to the child whose data its pages show ("pk" for a child): every
    # look at its list, a row, the row's history or one of its versions is then audited,
    # naming the child (docs/access.md, "Audit every look").
    child_field = None

    def scoped_hub_ids(self, request):
        return access.hub_ids(request.user, self.action)

    def scope(self, queryset, request):
        """Keep the rows of ``queryset`` in the user's hubs (all rows for a superuser)."""
        if request.user.is_superuser and request.user.is_active:
            return queryset
        if self.hub_field is None or not request.user.is_active:
            return queryset.none()
        lookup = {f"{self.hub_field}__in": self.scoped_hub_ids(request)}
        if _is_multivalued(self.model, self.hub_field):
            return queryset.filter(pk__in=self.model._default_manager.filter(**lookup).values("pk"))
        return queryset.filter(**lookup)

    def get_queryset(self, request):
        return self.scope(super().get_queryset(request), request)

    def choices_queryset(self, request):
        """The rows offered where another admin picks or filters by this model: those of
        its list, unless a model keeps some out of every choice (comparison practices)."""
        return self.get_queryset(request)

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete and search start from get_queryset already; scoping again here keeps
        # a subclass that widens the queryset from leaking other hubs' rows.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return self.scope(queryset, request), may_have_duplicates

    def get_list_filter(self, request):
        return [_scope_list_filter(self.model, f) for f in super().get_list_filter(request)]

    def hub_ids_of(self, obj):
        """The hubs ``obj`` belongs to (one query, kept on the object)."""
        cached = getattr(obj, _HUBS_ATTR, None)
        if cached is None:
            if self.hub_field is None:
                cached = frozenset()
            else:
                cached = frozenset(
                    self.model._default_manager.filter(pk=obj.pk)
                    .exclude(**{f"{self.hub_field}__isnull": True})
                    .values_list(self.hub_field, flat=True)
                )
            setattr(obj, _HUBS_ATTR, cached)
        return cached

    def in_scope(self, request, obj, *, wholly=False):
        """Is ``obj`` in one of the user's hubs (``wholly``: in none but theirs)?"""
        if request.user.is_superuser:
            return True
        if obj.pk is None:
            return True
        hubs = self.hub_ids_of(obj)
        mine = self.scoped_hub_ids(request)
        if wholly:
            return bool(hubs) and hubs <= mine
        return bool(hubs & mine)

    def _allowed(self, request):
        return request.user.is_active and (
            request.user.is_superuser or bool(self.scoped_hub_ids(request))
        )

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or self.in_scope(request, obj))

    def has_add_permission(self, request):
        return not self.readonly and self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return (
            not self.readonly
            and self._allowed(request)
            and (obj is None or self.in_scope(request, obj))
        )

    def has_delete_permission(self, request, obj=None):
        # Deleting reaches everything that cascades from the row: only rows wholly theirs.
        return (
            not self.readonly
            and self._allowed(request)
            and (obj is None or self.in_scope(request, obj, wholly=True))
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Out of scope looks like absent: 404, not the admin's "does not exist" redirect.
            raise Http404("No such record.")
        return obj

    def _children_of(self, pks):
        """(hub id, child id) of the rows ``pks`` that are about a child."""
        return list(
            self.model._default_manager.filter(pk__in=pks)
            .exclude(**{f"{self.child_field}__isnull": True})
            .values_list(self.hub_field, self.child_field)
        )

    def _audit(self, request, response, view, object_id=None):
        if self.child_field is None or getattr(response, "status_code", None) != 200:
            return
        action = f"admin.{self.opts.label_lower}.{view}"
        if object_id is None:
            cl = (getattr(response, "context_data", None) or {}).get("cl")
            if cl is not None:
                shown = self._children_of([row.pk for row in cl.result_list])
                audit.record_list(request, action=action, shown=shown)
            return
        pk = self.model._meta.pk.to_python(unquote(object_id))
        for hub_id, child_id in self._children_of([pk])[:1]:
            audit.record(
                request, action=action, hub=hub_id, child_id=child_id, obj=self.model(pk=pk)
            )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        self._audit(request, response, "list")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit(request, response, "change", object_id)
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        self._audit(request, response, "delete", object_id)
        return response

    def _check_history_scope(self, request, object_id):
        # django-simple-history falls back to the last historical version of a row it cannot
        # find: a row outside the user's hubs (or deleted) must answer 404 before that.
        if not request.user.is_superuser:
            self.get_object(request, unquote(object_id))

    def history_view(self, request, object_id, extra_context=None):
        self._check_history_scope(request, object_id)
        response = super().history_view(request, object_id, extra_context)
        self._audit(request, response, "history", object_id)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Only reached when SimpleHistoryAdmin is also a base (it adds the URL).
        self._check_history_scope(request, object_id)
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._audit(request, response, "version", object_id)
        return response


class HubScopedHistoryAdmin(HubScopedAdmin, SimpleHistoryAdmin):
    """A scoped admin for a model with ``history = HistoricalRecords()``.

    Its change history is reachable only for rows in the user's hubs; everything else
    (including rows deleted since) answers 404 except to a superuser.
    """


class HubScopedInline(_ScopedFormfieldsMixin, admin.TabularInline):
    """An inline whose rows and choices are scoped like ``HubScopedAdmin``."""

    extra = 0
    # Path from the inline's model to its Hub, for rows of an in-scope parent that may belong
    # to other hubs (a person's memberships). None: the parent's scope is enough.
    hub_field = None
    action = "hub.manage"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or self.hub_field is None:
            return qs
        return qs.filter(**{f"{self.hub_field}__in": access.hub_ids(request.user, self.action)})

    def _allowed(self, request):
        return request.user.is_active and (
            request.user.is_superuser or access.can(request.user, self.action)
        )

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class SuperuserOnlyAdmin:
    """Marks an admin (of a third-party app) that only a superuser may open."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


def make_superuser_only(site):
    """Re-register every admin that is not hub-scoped so only a superuser may open it."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, HubScopedAdmin | SuperuserOnlyAdmin):
            continue
        cls = type(model_admin)
        wrapped = type(f"SuperuserOnly{cls.__name__}", (SuperuserOnlyAdmin, cls), {})
        site.unregister(model)
        site.register(model, wrapped)
