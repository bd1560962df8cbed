from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from cc4c.imports import ImportFailed, get_format, registered_kinds, run_import, template_csv
from cc4c.models import BackupRun, ImportRun
from hubs.admin_scoping import HubScopedAdmin

# The page lists at most this many problems; the run keeps the first STORED_ERRORS.
SHOWN_ERRORS = 500


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds")
    file = forms.FileField(label="CSV file (UTF-8)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, f"{get_format(kind).title} ({kind})") for kind in registered_kinds()
        ]


@admin.register(ImportRun)
class ImportRunAdmin(HubScopedAdmin):
    hub_field = "hubs"
    readonly = True
    change_list_template = "admin/cc4c/importrun/change_list.html"

    list_display = ["started_at", "kind", "file_name", "by", "succeeded", "rows", "created"]
    list_filter = ["kind", "succeeded"]
    search_fields = ["file_name"]
    list_select_related = ["by"]
    fields = [
        "kind",
        "file_name",
        "by",
        "started_at",
        "finished_at",
        "succeeded",
        "rows",
        "created",
        "updated",
        "hubs",
        "error_count",
        "errors",
    ]

    def scope(self, queryset, request):
        # A run may touch several hubs: shown only when all of them are the coordinator's,
        # or when they started it themselves (a refused upload may name no hub).
        if request.user.is_superuser and request.user.is_active:
            return queryset
        visible = ImportRun.objects.within(self.scoped_hub_ids(request), started_by=request.user)
        return queryset.filter(pk__in=visible.values("pk"))

    def in_scope(self, request, obj, *, wholly=False):
        return obj.pk is None or self.scope(ImportRun.objects.filter(pk=obj.pk), request).exists()

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        template = self.admin_site.admin_view(self.template_view)
        return [
            path("upload/", upload, name="cc4c_importrun_upload"),
            path("template/<slug:kind>.csv", template, name="cc4c_importrun_template"),
            *super().get_urls(),
        ]

    def _may_upload(self, request):
        return request.user.is_active and bool(self.scoped_hub_ids(request))

    def template_view(self, request, kind):
        """A format's template: its header row, to fill in and upload."""
        if not self._may_upload(request) or kind not in registered_kinds():
            raise Http404("No such page.")
        response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
        return response

    def upload_view(self, request):
        """Import a CSV file into the coordinator's hubs: all of it, or nothing and why."""
        if not self._may_upload(request):
            raise Http404("No such page.")
        # The operator may create hubs from a practices file; coordinators only touch theirs.
        allowed = None if request.user.is_superuser else self.scoped_hub_ids(request)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        errors, error_count = [], 0
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = run_import(
                    form.cleaned_data["kind"], upload, by=request.user, allowed_hub_ids=allowed
                )
            except ImportFailed as failure:
                errors, error_count = failure.errors[:SHOWN_ERRORS], len(failure.errors)
            else:
                messages.success(request, f"Imported {upload.name}: {result.summary()}.")
                return redirect(reverse("admin:cc4c_importrun_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a CSV file",
            "form": form,
            "errors": errors,
            "error_count": error_count,
            "hidden_count": error_count - len(errors),
            "formats": [get_format(kind)() for kind in registered_kinds()],
        }
        return TemplateResponse(request, "admin/cc4c/importrun/upload.html", context)


@admin.register(BackupRun)
class BackupRunAdmin(HubScopedAdmin):
    """Nightly backups, good and bad (cc4c/backups.py): for the site's operator only, to read
    (a backup is taken by the nightly task or `make backup`, never from here). They belong to
    no hub: a coordinator sees none of them."""

    hub_field = None
    global_data = True
    readonly = True
    actions = None
    list_display = ["started_at", "succeeded", "file_name", "size_shown", "rows", "files", "error"]
    list_filter = ["succeeded"]
    fields = [
        "started_at",
        "finished_at",
        "succeeded",
        "file_name",
        "size",
        "tables",
        "rows",
        "files",
        "error",
    ]
    readonly_fields = fields

    @admin.display(description="size")
    def size_shown(self, run):
        from cc4c.uploads import megabytes

        return megabytes(run.size)

    def _allowed(self, request):
        return request.user.is_active and request.user.is_superuser

    def scope(self, queryset, request):
        return queryset if self._allowed(request) else queryset.none()

    def in_scope(self, request, obj, *, wholly=False):
        return self._allowed(request)
