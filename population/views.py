from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cc4c import csv_export, formatting
from cc4c.errors import ServiceError
from hubs import access, audit
from population import queries, services
from population.forms import ChildListForm, PlanReviewedForm
from population.panels_registry import child_panels

PAGE_SIZE = 50


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _scope(request, hub_id, action):
    hub = queries.hub_for(request.user, hub_id, action)
    practice = queries.practice_of(hub, request.GET.get("practice"))
    return hub, practice


@access.requires("population.view")
def index(request):
    """The hubs whose population the person may see; straight to it when there is one."""
    hubs = list(access.hubs_for(request.user, "population.view"))
    if len(hubs) == 1:
        return redirect("population:hub", hub_id=hubs[0].pk)
    return render(request, "population/index.html", {"hubs": hubs})


def hub_population(request, hub_id):
    """A hub's (or one practice's) registered children by segment, age band and deprivation."""
    hub, practice = _scope(request, hub_id, "population.view")
    children = queries.registered_children(request.user, hub, practice, "population.view")
    months = queries.snapshot_months(hub)
    after = _chosen_month(request, months)
    before = next((m for m in months if m < after), None) if after else None
    context = {
        "hub": hub,
        "practice": practice,
        "practices": hub.practices.all(),
        "segments": queries.segment_table(children),
        "age_bands": queries.age_band_table(children),
        "deprivation": queries.deprivation_table(children),
        "months": months,
        "movement": queries.movement(hub, practice, before, after) if before else None,
        "trend": queries.segment_trend(hub, practice, months[:12]) if months else None,
        "may_see_children": access.can(request.user, "child.view", hub),
    }
    context["total"] = sum(r["count"] for r in context["segments"])
    context["movement_months"] = months[:-1]
    if context["may_see_children"]:
        query = f"?practice={practice.pk}" if practice else ""
        for row in context["segments"]:
            row["url"] = reverse("population:segment", args=[hub.pk, row["number"]]) + query
    return render(request, "population/hub.html", context)


def _chosen_month(request, months):
    chosen = request.GET.get("month")
    for m in months:
        if m.isoformat() == chosen:
            return m
    return months[0] if months else None


def _list_context(request, children, default_sort="name"):
    children = children.search(request.GET.get("q"))
    children, sort = queries.sorted_by(children, request.GET.get("sort") or default_sort)
    return {"page": _page(request, children), "sort": sort, "q": request.GET.get("q", "")}


def _child_list(request, children):
    """A segment's or register's children as the list shows them: searched, filtered, with
    their open actions and last hub contact, sorted."""
    form = ChildListForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else ""
    children = queries.filtered(queries.with_hub_activity(children.search(q)), **form.filters())
    children, sort = queries.sorted_by(
        children, request.GET.get("sort"), sorts=queries.ACTIVITY_SORTS
    )
    return children, {"form": form, "sort": sort, "q": q}


def _segment_scope(request, hub_id, number, action):
    hub, practice = _scope(request, hub_id, action)
    segment = queries.segment(number)
    children = queries.registered_children(request.user, hub, practice, action)
    return hub, practice, segment, children.filter(segment=number)


def _list_page(request, template, children, *, action, **context):
    children, list_context = _child_list(request, children)
    page = _page(request, children)
    _audit_page(request, action, context["hub"], page)
    return render(request, template, {**context, **list_context, "page": page})


def _audit_page(request, action, hub, page):
    audit.record(request, action=action, hub=hub, children=[c.pk for c in page])


def _list_csv(request, children, *, action, hub, obj, name):
    """The list as CSV, as filtered and sorted on the page: one audit entry per download."""
    children, _context = _child_list(request, children)
    exported = children.values_list("pk", flat=True)
    audit.record(request, action=action, hub=hub, obj=obj, children=exported)
    return _children_csv(children, f"{name}-{hub.code}-{timezone.localdate():%Y-%m-%d}.csv")


def segment_children(request, hub_id, number):
    """Drill down: the children of a hub (or practice) in one segment."""
    hub, practice, segment, children = _segment_scope(request, hub_id, number, "child.view")
    csv_url = reverse("population:segment_csv", args=[hub.pk, segment.number])
    return _list_page(
        request,
        "population/segment_children.html",
        children,
        action="population.segment.view",
        hub=hub,
        practice=practice,
        segment=segment,
        csv_url=csv_url,
    )


def segment_children_csv(request, hub_id, number):
    hub, _practice, segment, children = _segment_scope(request, hub_id, number, "child.export")
    return _list_csv(
        request,
        children,
        action="population.segment_csv",
        hub=hub,
        obj=segment,
        name=f"segment-{segment.number}",
    )


def registers(request, hub_id):
    """Every value set as a register: how many of the hub's children match it."""
    hub, practice = _scope(request, hub_id, "child.view")
    children = queries.registered_children(request.user, hub, practice)
    value_sets = queries.value_sets_with_counts(children)
    return render(
        request,
        "population/registers.html",
        {"hub": hub, "practice": practice, "value_sets": value_sets},
    )


def _register_scope(request, hub_id, value_set_id, action):
    hub, practice = _scope(request, hub_id, action)
    value_set = queries.value_set(value_set_id)
    children = queries.registered_children(request.user, hub, practice, action)
    return hub, practice, value_set, queries.register(children, value_set)


def register(request, hub_id, value_set_id):
    """The hub's children who match one value set."""
    hub, practice, value_set, children = _register_scope(
        request, hub_id, value_set_id, "child.view"
    )
    csv_url = reverse("population:register_csv", args=[hub.pk, value_set.pk])
    return _list_page(
        request,
        "population/register.html",
        children,
        action="population.register.view",
        hub=hub,
        practice=practice,
        value_set=value_set,
        csv_url=csv_url,
    )


def register_csv(request, hub_id, value_set_id):
    hub, _practice, value_set, children = _register_scope(
        request, hub_id, value_set_id, "child.export"
    )
    return _list_csv(
        request,
        children,
        action="population.register_csv",
        hub=hub,
        obj=value_set,
        name=f"register-{value_set.name}",
    )


CHILD_LIST_COLUMNS = [
    "NHS number",
    "Family name",
    "Given name",
    "Date of birth",
    "Age",
    "Practice",
    "Segment",
    "Why",
    "Open actions",
    "Last hub contact",
]


def _children_csv(children, name):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv_export.writer(response)
    writer.writerow(CHILD_LIST_COLUMNS)
    today = timezone.localdate()
    for child in children.iterator(chunk_size=2000):
        writer.writerow(
            [
                child.nhs_number,
                child.family_name,
                child.given_name,
                formatting.day(child.date_of_birth),
                child.age_text(today),
                child.practice.name,
                child.segment,
                "; ".join(child.segment_reasons),
                child.open_actions,
                formatting.day(child.last_contact),
            ]
        )
    return response


def _worklist(request, hub_id):
    hub, practice = _scope(request, hub_id, "child.view")
    asthma = queries.asthma_value_set()
    children = queries.register(queries.registered_children(request.user, hub, practice), asthma)
    return hub, practice, asthma, queries.plan_due(children)


def asthma_worklist(request, hub_id):
    """Children on the asthma register whose plan was not written or reviewed in 365 days."""
    hub, practice, asthma, due = _worklist(request, hub_id)
    coverage, hub_coverage = queries.asthma_coverage(hub, asthma.codes)
    context = {
        "hub": hub,
        "practice": practice,
        "practices": hub.practices.all(),
        "coverage": coverage,
        "hub_coverage": hub_coverage,
        "trend": queries.asthma_trend(hub, practice),
        "may_update": access.can(request.user, "worklist.update", hub),
        "today": timezone.localdate(),
    }
    context.update(_list_context(request, due, default_sort="plan"))
    _audit_page(request, "population.asthma_worklist.view", hub, context["page"])
    return render(request, "population/asthma_worklist.html", context)


def asthma_worklist_csv(request, hub_id):
    """The asthma worklist as CSV: an identifiable export, audited once."""
    hub, practice, _asthma, due = _worklist(request, hub_id)
    due, _sort = queries.sorted_by(due.search(request.GET.get("q")), request.GET.get("sort"))
    exported = due.values_list("pk", flat=True)
    audit.record(request, action="population.asthma_worklist_csv", hub=hub, children=exported)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"asthma-worklist-{hub.code}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv_export.writer(response)
    writer.writerow(
        ["NHS number", "Family name", "Given name", "Date of birth", "Practice", "Plan reviewed on"]
    )
    for child in due.iterator(chunk_size=2000):
        writer.writerow(
            [
                child.nhs_number,
                child.family_name,
                child.given_name,
                formatting.day(child.date_of_birth),
                child.practice.name,
                formatting.day(child.asthma_plan_reviewed_on),
            ]
        )
    return response


def child_record(request, pk):
    """A child's record: demographics, registration, conditions, flags, segment and why."""
    child = queries.child_for(request.user, pk)
    audit.record(
        request, action="child.view", hub=child.practice.hub_id, child_id=child.pk, obj=child
    )
    on_asthma_register, plan_current = queries.asthma_status(child)
    context = {
        "child": child,
        "age": child.age_on(),
        "conditions": queries.conditions_of(child),
        "flags": queries.flags_of(child),
        "segment": queries.segment_of(child),
        "on_asthma_register": on_asthma_register,
        "plan_current": bool(
            child.asthma_plan_reviewed_on and child.asthma_plan_reviewed_on > queries.plan_cutoff()
        ),
        "may_update": access.can(request.user, "worklist.update", child.practice.hub_id),
        "plan_form": PlanReviewedForm(initial={"next": request.get_full_path()}),
        "panels": child_panels(request, child),
    }
    context["next_steps"] = [step for panel in context["panels"] for step in panel["next_steps"]]
    return render(request, "population/child.html", context)


@require_POST
def mark_plan_reviewed(request, pk):
    """A GP or paediatrician records that the child's asthma plan was written or reviewed."""
    child = queries.child_for(request.user, pk)
    access.require(request.user, "worklist.update", child.practice.hub_id)
    form = PlanReviewedForm(request.POST)
    if form.is_valid():
        try:
            services.mark_asthma_plan_reviewed(
                child=child, by=request.user, on=form.cleaned_data["reviewed_on"]
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Asthma plan review recorded for {child}.")
    else:
        messages.error(request, "Give the date the plan was written or reviewed.")
    target = form.data.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = child.get_absolute_url()
    return redirect(target)
