"""The coordinator's admin for hubs, practices, people, memberships and the audit trail."""

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone

from cc4c import csv_export
from hubs import access, audit, services
from hubs.admin_scoping import HubScopedAdmin, HubScopedInline, make_superuser_only
from hubs.cis2 import identity
from hubs.models import AuditEvent, Hub, Membership, Person, Practice, Role


@admin.register(Hub)
class HubAdmin(HubScopedAdmin):
    hub_field = "pk"

    list_display = ["code", "name", "response_target", "response_target_unit", "lead"]
    list_select_related = ["lead"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # Imports and reports name hubs by code: only the operator renames one.
        return [] if request.user.is_superuser else ["code"]

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Practice)
class PracticeAdmin(HubScopedAdmin):
    list_display = [
        "ods_code",
        "name",
        "hub",
        "comparison",
        "postcode",
        "list_size",
        "mesh_mailbox",
    ]
    list_filter = ["hub", "comparison"]
    list_select_related = ["hub"]
    search_fields = ["ods_code", "name", "postcode", "mesh_mailbox"]
    fieldsets = [
        (None, {"fields": ["ods_code", "name", "hub", "comparison", "postcode", "list_size"]}),
        (
            "Where letters go",
            {
                "fields": ["mesh_mailbox", "secure_email"],
                "description": "Outcome letters go to the practice's MESH mailbox; without one, "
                "to its secure email address; with neither, they wait on the Letters not sent "
                "list.",
            },
        ),
    ]

    def choices_queryset(self, request):
        # A comparison practice is no hub's: no person, clinic, champion or request is at one.
        return self.get_queryset(request).in_hubs()

    def get_readonly_fields(self, request, obj=None):
        # Comparison practices are every hub's comparison: only the operator keeps them.
        return [] if request.user.is_superuser else ["comparison"]


class MembershipInline(HubScopedInline):
    model = Membership
    fk_name = "person"
    hub_field = "hub"
    fields = ["hub", "role", "practice", "start_date", "end_date"]


class InvitePersonForm(forms.ModelForm):
    """Adding a person is inviting them: a login, a first role, and an email with a link."""

    hub = forms.ModelChoiceField(queryset=Hub.objects.none())
    role = forms.ChoiceField(choices=Role.choices)
    practice = forms.ModelChoiceField(
        queryset=Practice.objects.none(),
        required=False,
        help_text="For GPs, practice nurses and champions: one of the hub's practices.",
    )
    start_date = forms.DateField(initial=timezone.localdate, required=False)

    class Meta:
        model = Person
        fields = ["email", "first_name", "last_name", "profession", "registration_number"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Person.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "This address already has a login. Ask the system operator to add them to your hub."
            )
        return email

    def clean(self):
        data = super().clean()
        hub, practice = data.get("hub"), data.get("practice")
        if hub and practice and practice.hub_id != hub.pk:
            self.add_error("practice", "Choose one of this hub's practices.")
        return data


@admin.register(Person)
class PersonAdmin(HubScopedAdmin):
    hub_field = "memberships__hub"

    list_display = ["email", "first_name", "last_name", "profession", "is_active"]
    list_filter = ["memberships__hub", "memberships__role", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["last_name", "first_name"]
    actions = ["send_invitation"]
    person_fields = ["email", "first_name", "last_name", "profession", "registration_number"]
    add_fieldsets = [
        ("Person", {"fields": person_fields}),
        ("First role", {"fields": ["hub", "role", "practice", "start_date"]}),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        # Nobody but the operator edits the operator's login.
        return qs if request.user.is_superuser else qs.exclude(is_superuser=True)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        fieldsets = [
            ("Person", {"fields": self.person_fields}),
            ("NHS CIS2", {"fields": ["cis2_identity"]}),
        ]
        if request.user.is_superuser:
            fieldsets.append(("Access", {"fields": ["is_active", "is_superuser", "last_login"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "cis2_identity"]
        if obj is not None and not self.in_scope(request, obj, wholly=True):
            # They also work in hubs the coordinator does not run: their login is not theirs
            # to change.
            readonly.append("email")
        return readonly

    def get_inlines(self, request, obj):
        return [] if obj is None else [MembershipInline]

    @admin.display(description="CIS2 identity")
    def cis2_identity(self, obj):
        return render_to_string(
            "admin/hubs/cis2_identity.html", {"identity": identity.describe(obj)}
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["form"] = InvitePersonForm
        form = super().get_form(request, obj, change=change, **kwargs)
        hubs = Hub.objects.filter(pk__in=self.scoped_hub_ids(request))
        if request.user.is_superuser:
            hubs = Hub.objects.all()

        class ScopedInvitePersonForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.fields["hub"].queryset = hubs
                self.fields["practice"].queryset = Practice.objects.filter(hub__in=hubs)

        return ScopedInvitePersonForm

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        person = services.invite_person(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            profession=data.get("profession", ""),
            registration_number=data.get("registration_number", ""),
            hub=data["hub"],
            role=data["role"],
            practice=data.get("practice"),
            start_date=data.get("start_date"),
            by=request.user,
        )
        obj.pk, obj.password, obj.is_staff = person.pk, person.password, person.is_staff
        obj._state.adding = False
        messages.info(request, f"An invitation has been sent to {person.email}.")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.sync_staff(form.instance)

    def has_delete_permission(self, request, obj=None):
        # Coordinators end memberships; removing a login is the operator's job.
        return request.user.is_active and request.user.is_superuser

    @admin.action(description="Send the invitation email again")
    def send_invitation(self, request, queryset):
        for person in queryset:
            services.send_invitation(person=person, by=request.user)
        messages.info(request, f"Invitations sent: {len(queryset)}.")


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["person", "hub", "role", "practice", "start_date", "end_date"]


@admin.register(Membership)
class MembershipAdmin(HubScopedAdmin):
    form = MembershipAdminForm
    list_display = ["person", "hub", "role", "practice", "start_date", "end_date"]
    list_filter = ["hub", "role", "practice"]
    list_select_related = ["person", "hub", "practice"]
    search_fields = ["person__email", "person__first_name", "person__last_name"]
    autocomplete_fields = ["person"]

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("person") if change else None
        super().save_model(request, obj, form, change)
        services.sync_staff(obj.person)
        if previous and previous != obj.person_id:
            services.sync_staff(Person.objects.get(pk=previous))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.sync_staff(obj.person)

    def delete_queryset(self, request, queryset):
        people = list(Person.objects.filter(memberships__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for person in people:
            services.sync_staff(person)


@admin.register(AuditEvent)
class AuditEventAdmin(HubScopedAdmin):
    """The audit trail, read-only, with a CSV download of what the filters show."""

    action = "audit.view"
    readonly = True

    list_display = [
        "at",
        "person",
        "hub",
        "action",
        "object_type",
        "object_id",
        "child_id",
        "child_count",
        "ip_address",
    ]
    list_filter = ["action", "person", ("at", admin.DateFieldListFilter), "hub"]
    list_select_related = ["person", "hub"]
    search_fields = ["=child_id", "person__email", "object_id"]
    date_hierarchy = "at"
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if not term:
            return super().get_search_results(request, queryset, search_term)
        if term.isdigit() and len(term) < 19:
            # A child's id: every look at their record, and every list or export with them.
            found = queryset.naming(int(term)) | queryset.filter(object_id=term)
        else:
            found = queryset.filter(person__email__icontains=term)
        return self.scope(found, request), False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_csv"
        return [
            path("csv/", self.admin_site.admin_view(self.csv_view), name=name),
            *super().get_urls(),
        ]

    def csv_view(self, request):
        """The filtered trail as CSV; the download itself is recorded in the trail."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("Those filters do not apply to the audit trail.")
        events = changelist.get_queryset(request).select_related("person", "hub")
        # In the trail of every hub whose entries the download may hold.
        hubs = access.hub_ids(request.user, self.action)
        audit.record_list(request, action="audit.export", shown=[(h, None) for h in sorted(hubs)])
        response = StreamingHttpResponse(
            _csv_rows(events.iterator(chunk_size=2000)), content_type="text/csv"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
        return response


class _Echo:
    def write(self, value):
        return value


CSV_HEADER = [
    "at (Europe/London)",
    "person email",
    "person name",
    "hub",
    "action",
    "object type",
    "object id",
    "child id",
    "children listed",
    "address",
    "path",
]


def _csv_rows(events):
    writer = csv_export.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for e in events:
        yield writer.writerow(
            [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.person.email if e.person else "",
                e.person.display_name if e.person else "",
                e.hub.code if e.hub else "",
                e.action,
                e.object_type,
                e.object_id,
                e.child_id if e.child_id is not None else "",
                " ".join(str(i) for i in e.child_ids),
                e.ip_address or "",
                e.path,
            ]
        )


# The admin's own password form would skip the second factor: everyone signs in through allauth.
admin.site.login = secure_admin_login(admin.site.login)

# Admins other apps brought (task schedules, e-mail addresses, authenticators, groups) know
# nothing of hubs: only the operator may open them.
make_superuser_only(admin.site)
