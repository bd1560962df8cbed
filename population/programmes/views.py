"""Programme pages: the programmes of a hub with their coverage, each programme's worklist
(and its CSV), and recording a care process done or a child excluded from it."""

import hashlib

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cc4c import csv_export, formatting
from cc4c.errors import ServiceError
from hubs import access, audit
from population import queries
from population.programmes import engine, equity, kept, services
from population.programmes.forms import ExclusionForm, WorklistForm
from population.programmes.models import CareProcess, Programme

PAGE_SIZE = 50


def _scope(request, hub_id, action):
    hub = queries.hub_for(request.user, hub_id, action)
    practice = queries.practice_of(hub, request.GET.get("practice"))
    return hub, practice, queries.registered_children(request.user, hub, practice, action)


def programmes(request, hub_id):
    """Every programme of a hub (or one practice): register size and each care process's
    coverage (% in date)."""
    hub, practice, children = _scope(request, hub_id, "population.view")
    summaries = [engine.programme_summary(children, p) for p in engine.active_programmes()]
    return render(
        request,
        "population/programmes/index.html",
        {
            "hub": hub,
            "practice": practice,
            "practices": hub.practices.all(),
            "summaries": summaries,
            "may_see_children": access.can(request.user, "child.view", hub),
        },
    )


def _programme(key):
    """The active programme ``key``, with its register codes and the version of the data
    its pages read."""
    return get_object_or_404(
        engine.with_register_codes(Programme.objects.filter(active=True))
        .annotate(data_version=engine.data_version())
        .prefetch_related("processes__after"),
        key=key,
    )


def _worklist(request, hub_id, key, action):
    hub, practice, children = _scope(request, hub_id, action)
    programme = _programme(key)
    form = WorklistForm(request.GET or None, processes=programme.processes.all())
    rows = engine.WorklistRows(
        form.narrowed(children),
        programme,
        statuses=engine.status_filter(form.value("status")),
        process=form.processes.get(form.value("process")),
        sort=form.value("sort") or "risk",
        version=programme.data_version,
    )
    return hub, practice, programme, children, form, rows


# The coverage trend of a worklist changes only with a month-end snapshot: its tables and
# charts are drawn once per process and kept (a few kilobytes each).
TREND_MARKUP = kept.Recent(size=512)


def _trend_markup(trend, practice):
    return TREND_MARKUP.get(
        engine.trend_key(trend, practice),
        lambda: render_to_string(
            "population/programmes/coverage_trend.html", {"trend": trend, "practice": practice}
        ),
    )


def _urls(name, ids):
    """A function giving the URL ``name`` for ``ids`` ids of a row, reversed once for all
    the rows of a page (each row links three ways): placeholders no id can be are reversed,
    then swapped for each row's ids."""
    placeholders = PLACEHOLDERS[:ids]
    url = reverse(name, args=placeholders).replace("{", "{{").replace("}", "}}")
    for i, placeholder in reversed(list(enumerate(placeholders))):
        url = url.replace(str(placeholder), f"{{{i}}}")
    return url.format


PLACEHOLDERS = (2**62 + 1, 2**62 + 2)  # ids no child or care process can have


def _with_links(items):
    """Each row's links: the child's record, done today, exclude."""
    child = _urls("population:child", 1)
    done = _urls("population:care_done", 2)
    exclude = _urls("population:care_exclude", 2)
    for item in items:
        item["child_url"] = child(item.child_id)
        item["done_url"] = done(item.child_id, item.process_id)
        item["exclude_url"] = exclude(item.child_id, item.process_id)
    return items


# A page's table of children is drawn once for the same rows, links and permission to record,
# and kept under a digest of them all: any change to a row draws it again.
ROWS_MARKUP = kept.Recent(size=256)


def _rows_markup(items, may_update, here):
    shown = repr(([sorted(item.items()) for item in items], may_update, here)).encode()
    return ROWS_MARKUP.get(
        hashlib.sha256(shown).digest(),
        lambda: render_to_string(
            "population/programmes/worklist_rows.html",
            {"items": items, "may_update": may_update, "here_quoted": urlencode(here)},
        ),
    )


LAST_PAGE = 10**9  # beyond any register: a larger number is read as the last page


def _page_number(request):
    try:
        return min(max(int(request.GET.get("page") or 1), 1), LAST_PAGE)
    except ValueError:
        return 1


# Filters that narrow the children or the care processes: with none, the page's rows and the
# programme's summary are over the same items and come from one statement.
NARROWING = ("q", "process", "quintile", "flag")


def programme_worklist(request, hub_id, key):
    """A programme's worklist: each child with a care process never done, overdue or due soon,
    highest risk first, with the reason; a GP or paediatrician marks it done or excludes."""
    hub, practice, programme, children, form, rows = _worklist(request, hub_id, key, "child.view")
    whole = not any(form.value(name) for name in NARROWING)
    number = _page_number(request)
    rows.fetch((number - 1) * PAGE_SIZE, PAGE_SIZE, summary=whole)
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    _with_links(page.object_list)
    audit.record(
        request,
        action="population.programme_worklist",
        hub=hub,
        obj=programme,
        children=[item.child_id for item in page],
    )
    trend = engine.coverage_trend(programme, hub, practice)
    here = request.get_full_path()
    may_update = access.can(request.user, "worklist.update", hub)
    return render(
        request,
        "population/programmes/worklist.html",
        {
            "hub": hub,
            "practice": practice,
            "practices": hub.practices.all(),
            "programme": programme,
            "summary": rows.summary
            if whole
            else engine.programme_summary(children, programme, version=programme.data_version),
            "trend": trend,
            "trend_markup": _trend_markup(trend, practice),
            "form": form,
            "page": page,
            "filtered": whole is False or bool(form.value("status")),
            "may_update": may_update,
            "rows_markup": _rows_markup(page.object_list, may_update, here),
            "csv_url": reverse("population:programme_worklist_csv", args=[hub.pk, programme.key]),
            "here": here,
            "today": timezone.localdate(),
        },
    )


WORKLIST_COLUMNS = [
    "NHS number",
    "Family name",
    "Given name",
    "Date of birth",
    "Practice",
    "Care process",
    "Status",
    "Last done",
    "Due on",
    "Why on the list",
    "Segment",
    "IMD quintile",
    "ED attendances and admissions (12 months)",
]


def programme_worklist_csv(request, hub_id, key):
    """The worklist as filtered, as CSV: an identifiable export, audited once."""
    hub, _practice, programme, _children, _form, rows = _worklist(
        request, hub_id, key, "child.export"
    )
    rows = list(rows)
    audit.record(
        request,
        action="population.programme_worklist_csv",
        hub=hub,
        obj=programme,
        children=[item.child_id for item in rows],
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{programme.key}-worklist-{hub.code}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv_export.writer(response)
    writer.writerow(WORKLIST_COLUMNS)
    for item in rows:
        writer.writerow(
            [
                item.nhs_number,
                item.family_name,
                item.given_name,
                formatting.day(item.date_of_birth),
                item.practice_name,
                item.process_title,
                item.status_label,
                formatting.day(item.last_done),
                formatting.day(item.due_on),
                item.reason,
                item.segment,
                item.imd_quintile or "",
                item.hospital_use,
            ]
        )
    return response


def _child_and_process(request, pk, process_id):
    child = queries.child_for(request.user, pk)
    access.require(request.user, "worklist.update", child.practice.hub_id)
    process = get_object_or_404(CareProcess.objects.select_related("programme"), pk=process_id)
    return child, process


def _back(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = fallback
    return target


@require_POST
def care_done(request, pk, process_id):
    """A GP or paediatrician records a care process done today for a child."""
    child, process = _child_and_process(request, pk, process_id)
    try:
        services.record_care_done(child=child, process=process, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{process.title} recorded as done today for {child}.")
    return redirect(_back(request, child.get_absolute_url()))


def care_exclude(request, pk, process_id):
    """A GP or paediatrician excludes a child from one care process, with a reason and until
    when; the child leaves the worklist until then."""
    child, process = _child_and_process(request, pk, process_id)
    if request.method == "POST":
        form = ExclusionForm(request.POST)
        if form.is_valid():
            try:
                services.exclude(
                    child=child,
                    process=process,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    until=form.cleaned_data["until"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as exc:
                form.add_error("until", str(exc))
            else:
                messages.success(
                    request,
                    f"{child} is excluded from {process.title.lower()} until "
                    f"{formatting.day(form.cleaned_data['until'])}.",
                )
                return redirect(_back(request, child.get_absolute_url()))
    else:
        form = ExclusionForm(initial={"next": request.GET.get("next", "")})
        audit.record(
            request, action="child.view", hub=child.practice.hub_id, child_id=child.pk, obj=child
        )
    return render(
        request,
        "population/programmes/exclude.html",
        {
            "child": child,
            "process": process,
            "form": form,
            "back": _back(request, child.get_absolute_url()),
        },
    )


def _breakdown(request):
    by = request.GET.get("by")
    return by if by in equity.BREAKDOWNS else "quintile"


def programme_equity(request, hub_id, key):
    """A programme's register and coverage by IMD quintile, ethnic group or flag, and the gap
    between the most and least deprived with its 95% interval."""
    hub, practice, children = _scope(request, hub_id, "population.view")
    programme = _programme(key)
    by = _breakdown(request)
    return render(
        request,
        "population/programmes/equity.html",
        {
            "hub": hub,
            "practice": practice,
            "practices": hub.practices.all(),
            "programme": programme,
            "by": by,
            "breakdowns": equity.BREAKDOWNS,
            "breakdown": equity.programme_breakdown(children, programme, by),
        },
    )


def segment_equity(request, hub_id):
    """A hub's (or practice's) children per segment by IMD quintile, ethnic group or flag."""
    hub, practice, children = _scope(request, hub_id, "population.view")
    by = _breakdown(request)
    return render(
        request,
        "population/programmes/segment_equity.html",
        {
            "hub": hub,
            "practice": practice,
            "practices": hub.practices.all(),
            "by": by,
            "breakdowns": equity.BREAKDOWNS,
            "breakdown": equity.segment_breakdown(children, by),
        },
    )
