"""MDT pages: thin views over mdt.queries (reads) and mdt.services (writes)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cc4c import csv_export, formatting
from cc4c.errors import ServiceError
from cc4c.measures import pct
from hubs import audit
from hubs.access import can, hub_ids, may_chair, requires
from hubs.models import Hub
from mdt import queries, services
from mdt.forms import (
    ActionForm,
    AttendanceForm,
    ChildSearchForm,
    HistoryFilterForm,
    MoveCaseForm,
    OutcomeForm,
    PutForwardForm,
    ScheduleForm,
)
from mdt.models import MeetingStatus
from population.models import Child

PAGE_SIZE = 50


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _meeting(request, pk):
    return get_object_or_404(
        queries.meetings_visible_to(request.user).select_related("hub", "chair"), pk=pk
    )


def _case(request, pk):
    return get_object_or_404(
        queries.cases_visible_to(request.user).select_related(
            "meeting",
            "meeting__hub",
            "meeting__chair",
            "child",
            "child__practice",
            "put_forward_by",
        ),
        pk=pk,
    )


def _require_chair(request, mtg):
    # Only the chair runs the meeting: to anyone else its controls do not exist (hubs/access.py).
    if not may_chair(request.user, mtg):
        raise Http404("No such meeting.")


def _refuse(request, error, to):
    messages.error(request, str(error))
    return redirect(to)


# --- lists -----------------------------------------------------------------------------------


@requires("mdt.view")
def meetings(request):
    """Upcoming meetings the person may see, and the latest finished ones."""
    return render(
        request,
        "mdt/meetings.html",
        {
            "page": _page(request, queries.upcoming_meetings(request.user)),
            "recent": queries.recent_meetings(request.user),
            "hubs": Hub.objects.filter(pk__in=hub_ids(request.user, "mdt.view_hub")),
            "schedule_hubs": Hub.objects.filter(pk__in=hub_ids(request.user, "mdt.manage")),
        },
    )


@requires("mdt.view")
def my_cases(request):
    return render(
        request, "mdt/my_cases.html", {"page": _page(request, queries.my_cases(request.user))}
    )


@requires("mdt.view")
def my_actions(request):
    return render(
        request,
        "mdt/my_actions.html",
        {"page": _page(request, queries.my_actions(request.user)), "today": timezone.localdate()},
    )


def hub_page(request, hub_pk):
    """A hub's MDT: outcome split of discussed cases and the case history, filtered."""
    if hub_pk not in hub_ids(request.user, "mdt.view_hub"):
        raise Http404("No such hub.")
    hub = get_object_or_404(Hub, pk=hub_pk)
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = queries.hub_case_history(
        request.user,
        hub,
        outcome=filters.get("outcome", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    if request.GET.get("download") == "csv":
        audit.record(request, action="mdt.case_list.export", hub=hub)
        return _history_csv(hub, cases)
    audit.record(request, action="mdt.case_list.view", hub=hub)
    split = queries.outcome_split(cases)
    total = sum(n for _v, _l, n in split)
    bars = [
        {
            "value": v,
            "label": label,
            "count": n,
            "pct": pct(n, total),
            "width": round(300 * n / total) if total else 0,
            "y": 28 * i,
        }
        for i, (v, label, n) in enumerate(split)
    ]
    return render(
        request,
        "mdt/hub.html",
        {
            "hub": hub,
            "form": form,
            "page": _page(request, cases),
            "bars": bars,
            "total": total,
            "query": request.GET.urlencode(),
            "open_actions": queries.actions_visible_to(request.user)
            .filter(meeting__hub=hub, done_at__isnull=True)
            .select_related("owner", "case", "case__child", "meeting")
            .order_by("due_on")[:50],
            "today": timezone.localdate(),
        },
    )


def _history_csv(hub, cases):
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="mdt-cases-{hub.code}.csv"'
    writer = csv_export.writer(response)
    writer.writerow(["meeting_date", "nhs_number", "child", "outcome", "named_professional"])
    for case in cases.iterator():
        writer.writerow(
            [
                timezone.localtime(case.meeting.starts_at).date().isoformat(),
                case.child.nhs_number,
                str(case.child),
                case.outcome,
                case.named_professional,
            ]
        )
    return response


# --- meetings --------------------------------------------------------------------------------


def meeting(request, pk):
    """The agenda, and for the chair the controls to run the meeting."""
    mtg = _meeting(request, pk)
    audit.record(request, action="mdt.agenda.view", hub=mtg.hub, obj=mtg)
    is_chair = may_chair(request.user, mtg)
    people = services.hub_people(mtg.hub)
    return render(
        request,
        "mdt/meeting.html",
        {
            "meeting": mtg,
            "cases": queries.agenda(mtg),
            "outstanding": queries.outstanding_actions_before(mtg, request.user),
            "actions": queries.meeting_actions(mtg),
            "attendances": mtg.attendances.select_related("person"),
            "invitees": mtg.invitees.order_by("last_name", "first_name"),
            "is_chair": is_chair,
            "action_form": ActionForm(people=people) if is_chair else None,
            # Cases move only out of a meeting still open: a finished one needs no targets.
            "move_targets": queries.open_meetings_of(mtg.hub, exclude=mtg)
            if is_chair and mtg.is_open
            else [],
        },
    )


@require_POST
def meeting_start(request, pk):
    mtg = _meeting(request, pk)
    _require_chair(request, mtg)
    try:
        services.start_meeting(meeting=mtg, by=request.user)
    except ServiceError as error:
        return _refuse(request, error, mtg_url(mtg))
    first = queries.agenda(mtg).first()
    return redirect(reverse("mdt:case", args=[first.pk]) if first else mtg_url(mtg))


@require_POST
def meeting_finish(request, pk):
    mtg = _meeting(request, pk)
    _require_chair(request, mtg)
    try:
        moved = services.finish_meeting(meeting=mtg, by=request.user)
    except ServiceError as error:
        return _refuse(request, error, mtg_url(mtg))
    text = "Meeting finished."
    if moved:
        text += f" {len(moved)} case(s) not discussed moved to the next meeting."
    messages.success(request, text)
    return redirect(mtg_url(mtg))


def meeting_attendance(request, pk):
    mtg = _meeting(request, pk)
    _require_chair(request, mtg)
    people = services.hub_people(mtg.hub) | mtg.invitees.all()
    people = people.distinct().order_by("last_name", "first_name")
    present = [a.person for a in mtg.attendances.filter(person__isnull=False, present=True)]
    guests = "\n".join(
        f"{a.name}, {a.profession}" for a in mtg.attendances.filter(person__isnull=True)
    )
    form = AttendanceForm(
        request.POST or None,
        people=people,
        initial={"present": present or list(mtg.invitees.all()), "guests": guests},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(
                meeting=mtg,
                by=request.user,
                present_people=list(form.cleaned_data["present"]),
                guests=form.cleaned_data["guests"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Attendance saved.")
            return redirect(mtg_url(mtg))
    return render(request, "mdt/attendance.html", {"meeting": mtg, "form": form})


@require_POST
def action_add(request, pk):
    mtg = _meeting(request, pk)
    _require_chair(request, mtg)
    case = None
    back = mtg_url(mtg)
    if request.POST.get("case"):
        case = get_object_or_404(mtg.cases, pk=request.POST["case"])
        back = reverse("mdt:case", args=[case.pk])
    form = ActionForm(request.POST, people=services.hub_people(mtg.hub))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Action"
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect(back)
    try:
        services.add_action(meeting=mtg, case=case, by=request.user, **form.cleaned_data)
    except ServiceError as error:
        return _refuse(request, error, back)
    messages.success(request, "Action added.")
    return redirect(back)


@require_POST
def action_done(request, pk):
    action = get_object_or_404(
        queries.actions_visible_to(request.user).select_related("meeting", "meeting__hub"), pk=pk
    )
    try:
        services.complete_action(action=action, by=request.user)
    except ServiceError as error:
        return _refuse(request, error, "mdt:my_actions")
    messages.success(request, "Action marked done.")
    if request.POST.get("back") == "meeting":
        return redirect(mtg_url(action.meeting))
    return redirect("mdt:my_actions")


def schedule(request, hub_pk):
    """The coordinator schedules a series of meetings every N weeks (the hub's cadence)."""
    if hub_pk not in hub_ids(request.user, "mdt.manage"):
        raise Http404("No such hub.")
    hub = get_object_or_404(Hub, pk=hub_pk)
    form = ScheduleForm(request.POST or None, people=services.hub_people(hub))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.schedule_series(hub=hub, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{len(created)} meetings scheduled.")
            return redirect("mdt:meetings")
    return render(request, "mdt/schedule.html", {"hub": hub, "form": form})


def mtg_url(mtg):
    return reverse("mdt:meeting", args=[mtg.pk])


# --- cases -----------------------------------------------------------------------------------


def case(request, pk):
    """One case: the child's summary and the case; for the chair, the live outcome screen."""
    return _case_page(request, _case(request, pk))


def _case_page(request, c, outcome_form=None, status=200):
    audit.record(request, action="mdt.case.view", hub=c.meeting.hub, child_id=c.child_id, obj=c)
    mtg = c.meeting
    is_chair = may_chair(request.user, mtg)
    running = is_chair and mtg.status in (MeetingStatus.IN_PROGRESS, MeetingStatus.FINISHED)
    siblings = list(queries.agenda(mtg).values_list("pk", flat=True))
    index = siblings.index(c.pk)
    return render(
        request,
        "mdt/case.html",
        {
            "case": c,
            "meeting": mtg,
            "child": c.child,
            "age": c.child.age_on(),
            "actions": c.actions.select_related("owner").order_by("due_on"),
            "is_chair": is_chair,
            "outcome_form": outcome_form
            or OutcomeForm(
                initial={
                    "outcome": c.outcome,
                    "named_professional": c.named_professional,
                    "plan": c.plan,
                    "learning_points": c.learning_points,
                },
            )
            if running
            else None,
            "action_form": ActionForm(people=services.hub_people(mtg.hub)) if running else None,
            "previous_pk": siblings[index - 1] if index > 0 else None,
            "next_pk": siblings[index + 1] if index + 1 < len(siblings) else None,
            "position": index + 1,
            "case_count": len(siblings),
            "may_letter": c.discussed,
        },
        status=status,
    )


@require_POST
def case_outcome(request, pk):
    c = _case(request, pk)
    _require_chair(request, c.meeting)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.record_outcome(case=c, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            return _refuse(request, error, reverse("mdt:case", args=[c.pk]))
        messages.success(request, "Outcome saved.")
        nxt = (
            queries.agenda(c.meeting)
            .filter(
                Q(agenda_order__gt=c.agenda_order) | Q(agenda_order=c.agenda_order, pk__gt=c.pk)
            )
            .first()
        )
        return redirect(reverse("mdt:case", args=[nxt.pk]) if nxt else mtg_url(c.meeting))
    return _case_page(request, c, outcome_form=form, status=400)


@require_POST
def case_move(request, pk):
    c = _case(request, pk)
    _require_chair(request, c.meeting)
    form = MoveCaseForm(request.POST, meetings=queries.open_meetings_of(c.meeting.hub))
    if not form.is_valid():
        return _refuse(request, "Choose a meeting to move the case to.", mtg_url(c.meeting))
    try:
        services.move_case(case=c, to_meeting=form.cleaned_data["to_meeting"], by=request.user)
    except ServiceError as error:
        return _refuse(request, error, mtg_url(c.meeting))
    messages.success(request, "Case moved.")
    return redirect(mtg_url(c.meeting))


@require_POST
def case_reorder(request, pk):
    c = _case(request, pk)
    _require_chair(request, c.meeting)
    try:
        services.reorder_case(case=c, up=request.POST.get("direction") == "up", by=request.user)
    except ServiceError as error:
        return _refuse(request, error, mtg_url(c.meeting))
    return redirect(mtg_url(c.meeting))


def case_letter(request, pk):
    """The outcome letter for the referring GP, for the GP record: print it from the browser."""
    c = _case(request, pk)
    if not c.discussed:
        raise Http404("This case has no outcome yet.")
    audit.record(request, action="mdt.letter.view", hub=c.meeting.hub, child_id=c.child_id, obj=c)
    return render(
        request,
        "mdt/letter.html",
        {
            "case": c,
            "child": c.child,
            "meeting": c.meeting,
            "actions": c.actions.select_related("owner").order_by("due_on"),
            "attendances": c.meeting.attendances.filter(present=True).select_related("person"),
        },
    )


# --- putting a case forward ------------------------------------------------------------------


@requires("mdt.put_forward")
def put_forward(request):
    """Find the child: name or NHS number for those who see the hub's children, else NHS only."""
    form = ChildSearchForm(request.GET or None)
    results = None
    may_search_names = can(request.user, "child.view")
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"]
        # A whole NHS number finds any child the person may put forward; names and partial
        # numbers only children whose records they may see.
        results = Child.objects.visible_to(request.user, "mdt.put_forward").search(q, browse=False)
        if may_search_names:
            seen = Child.objects.visible_to(request.user).filter(
                practice__hub_id__in=hub_ids(request.user, "mdt.put_forward")
            )
            results = results | seen.search(q)
        results = results.select_related("practice")[:20]
    return render(
        request,
        "mdt/put_forward_search.html",
        {"form": form, "results": results, "may_search_names": may_search_names},
    )


def put_forward_child(request, child_pk):
    child = get_object_or_404(
        Child.objects.visible_to(request.user, "mdt.put_forward").select_related(
            "practice", "practice__hub"
        ),
        pk=child_pk,
    )
    shows_name = can(request.user, "child.view", child.practice.hub_id)
    if shows_name:
        audit.record(
            request, action="mdt.put_forward.view", hub=child.practice.hub_id, child_id=child.pk
        )
    form = PutForwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            c = services.put_forward(by=request.user, child=child, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            when = timezone.localtime(c.meeting.starts_at)
            messages.success(
                request,
                "Case put forward to the MDT meeting on "
                f"{formatting.day(when)} at {formatting.clock(when)}.",
            )
            return redirect("mdt:case", pk=c.pk)
    return render(
        request,
        "mdt/put_forward.html",
        {"child": child, "form": form, "shows_name": shows_name},
    )
