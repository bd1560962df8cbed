"""The MDT's list pages: meetings, the person's own cases and actions, a hub's case history."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cc4c import csv_export, formatting
from cc4c.measures import pct
from hubs import audit
from hubs.access import hub_ids, requires
from hubs.models import Hub
from mdt import queries
from mdt.forms import HistoryFilterForm
from mdt.views.common import page


@requires("mdt.view")
def meetings(request):
    """Upcoming meetings the person may see, and the latest finished ones."""
    return render(
        request,
        "mdt/meetings.html",
        {
            "page": page(request, queries.upcoming_meetings(request.user)),
            "recent": queries.recent_meetings(request.user),
            "hubs": Hub.objects.filter(pk__in=hub_ids(request.user, "mdt.view_hub")),
            "schedule_hubs": Hub.objects.filter(pk__in=hub_ids(request.user, "mdt.manage")),
        },
    )


def _case_children(cases):
    return [(c.meeting.hub_id, c.child_id) for c in cases]


def _action_children(actions):
    return [(a.meeting.hub_id, a.case.child_id) for a in actions if a.case_id]


@requires("mdt.view")
def my_cases(request):
    shown = page(request, queries.my_cases(request.user))
    audit.record_list(request, action="mdt.my_cases.view", shown=_case_children(shown))
    return render(request, "mdt/my_cases.html", {"page": shown})


@requires("mdt.view")
def my_actions(request):
    """The person's actions: open ones first, soonest due first, then those done."""
    shown = page(request, queries.my_actions(request.user))
    audit.record_list(request, action="mdt.my_actions.view", shown=_action_children(shown))
    return render(request, "mdt/my_actions.html", {"page": shown, "today": timezone.localdate()})


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
        exported = list(cases)
        audit.record(
            request,
            action="mdt.case_list.export",
            hub=hub,
            children=[c.child_id for c in exported],
        )
        return _history_csv(hub, exported)
    shown = page(request, cases)
    open_actions = list(
        queries.actions_visible_to(request.user)
        .filter(meeting__hub=hub, done_at__isnull=True)
        .select_related("owner", "case", "case__child", "meeting")
        .order_by("due_on")[:50]
    )
    children = [c.child_id for c in shown] + [a.case.child_id for a in open_actions if a.case_id]
    audit.record(request, action="mdt.case_list.view", hub=hub, children=children)
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
            "page": shown,
            "bars": bars,
            "total": total,
            "query": request.GET.urlencode(),
            "open_actions": open_actions,
            "today": timezone.localdate(),
        },
    )


def _history_csv(hub, cases):
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="mdt-cases-{hub.code}.csv"'
    writer = csv_export.writer(response)
    writer.writerow(["meeting_date", "nhs_number", "child", "outcome", "named_professional"])
    for case in cases:
        writer.writerow(
            [
                formatting.day(timezone.localtime(case.meeting.starts_at).date()),
                case.child.nhs_number,
                str(case.child),
                case.outcome,
                case.named_professional,
            ]
        )
    return response
