from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cc4c import formatting
from cc4c.errors import ServiceError
from champions import closing, queries, services
from champions.charts import bars
from champions.forms import ActivityForm
from hubs import access


@access.requires("champions.view")
def index(request):
    """The hubs whose champions the person may see, with their practices."""
    hubs = list(queries.champion_hubs(request.user))
    if len(hubs) == 1:
        return redirect("champions:hub", hub_id=hubs[0].pk)
    return render(request, "champions/index.html", {"hubs": hubs})


def _summary_page(request, *, hub, practice=None):
    date_from, date_to = queries.last_twelve_months()
    champions = queries.with_next_expiry(
        queries.active_champions(hub=hub, practice=practice, date_from=date_from, date_to=date_to)
    )
    search = request.GET.get("q", "").strip()
    if search:
        champions = champions.filter(
            Q(given_name__icontains=search)
            | Q(family_name__icontains=search)
            | Q(champion_ref__iexact=search)
        )
    page = Paginator(champions, 50).get_page(request.GET.get("page"))
    show_checks = access.can(request.user, "hub.manage", hub)
    if show_checks:
        for champion in page:
            earliest = min(
                (d for d in (champion.next_check_expiry, champion.next_training_expiry) if d),
                default=None,
            )
            champion.attention = queries.expiry_state(earliest)
    months = queries.monthly_activity(
        hub=hub, practice=practice, date_from=date_from, date_to=date_to
    )
    return render(
        request,
        "champions/summary.html",
        {
            "hub": hub,
            "practice": practice,
            "practices": hub.practices.all() if practice is None else None,
            "page": page,
            "search": search,
            "show_checks": show_checks,
            "months": months,
            "totals": {
                "activities": sum(m["activities"] for m in months),
                "hours": sum(m["hours"] for m in months),
                "people": sum(m["people"] for m in months),
            },
            "hours_chart": bars(months, "hours"),
            "people_chart": bars(months, "people"),
            "date_from": date_from,
            "date_to": date_to,
        },
    )


def hub_page(request, hub_id):
    hub = queries.hub_for(request.user, hub_id)
    if hub is None:
        raise Http404("No such hub.")
    return _summary_page(request, hub=hub)


def practice_page(request, practice_id):
    practice = queries.practice_for(request.user, practice_id)
    if practice is None:
        raise Http404("No such practice.")
    return _summary_page(request, hub=practice.hub, practice=practice)


@access.requires("champions.self")
def own_page(request):
    """A champion's own page: their activities and check status, nothing else."""
    champion = queries.own_champion(request.user)
    context = {"champion": champion}
    if champion is not None:
        checks, trainings = queries.own_status(champion)
        page = Paginator(queries.own_activities(champion), 50).get_page(request.GET.get("page"))
        closed = closing.closed_months(champion.hub_id, {a.date for a in page})
        for activity in page:
            activity.closed = activity.date.replace(day=1) in closed
            activity.changeable = services.may_change(activity, request.user, closed)
        context.update(checks=checks, trainings=trainings, page=page)
    return render(request, "champions/me.html", context)


@access.requires("champions.self")
@require_http_methods(["GET", "POST"])
def add_own_activity(request):
    champion = queries.own_champion(request.user)
    if champion is None:
        raise Http404("Your sign-in is not linked to a champion record yet.")
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_activity(champion=champion, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thank you: your activity is recorded.")
            return redirect("champions:me")
    return render(request, "champions/activity_form.html", {"form": form, "champion": champion})


def _own_activity_or_404(request, pk):
    champion = queries.own_champion(request.user)
    if champion is None:
        raise Http404("Your sign-in is not linked to a champion record yet.")
    activity = queries.own_activities(champion).filter(pk=pk, recorded_by=request.user).first()
    if activity is None:
        raise Http404("No such activity of yours.")
    activity.champion = champion
    return activity


@access.requires("champions.self")
@require_http_methods(["GET", "POST"])
def change_own_activity(request, pk):
    """A champion corrects an activity they recorded, until its month's report is built."""
    activity = _own_activity_or_404(request, pk)
    closed = not services.may_change(activity, request.user)
    form = ActivityForm(request.POST or None, instance=activity, submit_label="Save changes")
    if request.method == "POST" and form.is_valid():
        try:
            services.change_activity(activity=activity, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Your activity on {formatting.day(form.cleaned_data['date'])} is changed."
            )
            return redirect("champions:me")
    return render(
        request,
        "champions/activity_form.html",
        {"form": form, "activity": activity, "closed": closed},
    )


@access.requires("champions.self")
@require_http_methods(["GET", "POST"])
def delete_own_activity(request, pk):
    """A champion deletes an activity they recorded (asked to confirm first), until its month's
    report is built."""
    activity = _own_activity_or_404(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.delete_activity(activity=activity, by=request.user)
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.success(
                request, f"Your activity on {formatting.day(activity.date)} is deleted."
            )
            return redirect("champions:me")
    closed = not services.may_change(activity, request.user)
    return render(
        request,
        "champions/activity_delete.html",
        {"activity": activity, "closed": closed, "error": error},
    )
