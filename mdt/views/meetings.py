"""A meeting's pages: the agenda, running and finishing it, and looking after it (time and
place, cancelling, sending the agenda), and all its outcome letters in one PDF."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from cc4c import formatting
from cc4c.errors import ServiceError
from hubs import audit
from hubs.access import hub_ids, may_chair
from hubs.models import Hub
from mdt import letters, queries, services
from mdt.forms import ActionForm, AttendanceForm, MeetingForm, ScheduleForm
from mdt.models import MeetingStatus
from mdt.scheduling import plan_carry_over
from mdt.views.common import (
    case_url,
    form_error,
    meeting_for,
    meeting_url,
    posted,
    refuse,
    require_chair,
    require_manage,
)


def _counted(n, one, many=None):
    return f"{n} {one if n == 1 else (many or one + 's')}"


def describe_carry(plan):
    """What happened (or will happen) to the cases not discussed, as sentences."""
    moved, stays = {}, {}
    for carry in plan:
        (stays if carry.stays_for is not None else moved).setdefault(carry.starts_at, []).append(
            carry
        )
    sentences = [
        f"{_counted(len(cs), 'case')} not discussed "
        f"{'go' if len(cs) > 1 else 'goes'} to the meeting on {formatting.weekday_when(at)}"
        f"{' (a new meeting, one cadence on)' if cs[0].goes_to_new_meeting else ''}."
        for at, cs in sorted(moved.items())
    ] + [
        f"{_counted(len(cs), 'case')} not discussed {'stay' if len(cs) > 1 else 'stays'} here: "
        f"the child is already on the agenda of the meeting on {formatting.weekday_when(at)}."
        for at, cs in sorted(stays.items())
    ]
    return " ".join(sentences)


def meeting(request, pk):
    """The agenda; for the chair the controls to run the meeting, for the coordinator those to
    look after it."""
    mtg = meeting_for(request, pk)
    cases = list(queries.agenda(mtg))
    outstanding = list(queries.outstanding_actions_before(mtg, request.user))
    actions = list(queries.meeting_actions(mtg))
    shown = [c.child_id for c in cases] + [
        a.case.child_id for a in outstanding + actions if a.case_id
    ]
    audit.record(request, action="mdt.agenda.view", hub=mtg.hub, obj=mtg, children=shown)
    is_chair = may_chair(request.user, mtg)
    may_manage = services.may_manage(request.user, mtg)
    opens = services.earliest_start(mtg)
    return render(
        request,
        "mdt/meeting.html",
        {
            "meeting": mtg,
            "cases": cases,
            "discussed_count": sum(c.discussed for c in cases),
            "outstanding": outstanding,
            "actions": actions,
            "attendances": mtg.attendances.select_related("person"),
            "invitees": mtg.invitees.order_by("last_name", "first_name"),
            "is_chair": is_chair,
            "may_manage": may_manage,
            "starts_from": opens if mtg.is_open and timezone.now() < opens else None,
            "action_form": ActionForm(people=services.hub_people(mtg.hub)) if is_chair else None,
            # Cases move only out of a meeting still open: a finished one needs no targets.
            "move_targets": queries.open_meetings_of(mtg.hub, exclude=mtg)
            if may_manage and mtg.is_open
            else [],
        },
    )


@require_POST
def meeting_start(request, pk):
    mtg = meeting_for(request, pk)
    require_chair(request, mtg)
    try:
        services.start_meeting(meeting=mtg, by=request.user)
    except ServiceError as error:
        return refuse(request, error, meeting_url(mtg))
    first = queries.agenda(mtg).first()
    return redirect(case_url(first) if first else meeting_url(mtg))


def meeting_finish(request, pk):
    """Finishing asks first, saying where each case not discussed will go."""
    mtg = meeting_for(request, pk)
    require_chair(request, mtg)
    if request.method == "POST":
        try:
            plan = services.finish_meeting(meeting=mtg, by=request.user)
        except ServiceError as error:
            return refuse(request, error, meeting_url(mtg))
        discussed = mtg.cases.filter(discussed=True).count()
        messages.success(
            request,
            f"Meeting finished: {_counted(discussed, 'case')} discussed. "
            + (describe_carry(plan) or "Every case on the agenda was discussed."),
        )
        return redirect(meeting_url(mtg))
    if mtg.status != MeetingStatus.IN_PROGRESS:
        return refuse(
            request,
            "This meeting has already finished."
            if mtg.status == MeetingStatus.FINISHED
            else "Start the meeting before finishing it.",
            meeting_url(mtg),
        )
    audit.record(request, action="mdt.agenda.view", hub=mtg.hub, obj=mtg)
    plan = plan_carry_over(mtg)
    return render(
        request,
        "mdt/meeting_finish.html",
        {
            "meeting": mtg,
            "plan": plan,
            "summary": describe_carry(plan),
            "discussed": mtg.cases.filter(discussed=True).count(),
        },
    )


def meeting_attendance(request, pk):
    mtg = meeting_for(request, pk)
    require_chair(request, mtg)
    people = services.hub_people(mtg.hub) | mtg.invitees.all()
    people = people.distinct().order_by("last_name", "first_name")
    present = [a.person for a in mtg.attendances.filter(person__isnull=False, present=True)]
    guests = "\n".join(
        f"{a.name}, {a.profession}" for a in mtg.attendances.filter(person__isnull=True)
    )
    form = AttendanceForm(
        posted(request),
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
            form_error(form, error)
        else:
            messages.success(request, "Attendance saved.")
            return redirect(meeting_url(mtg))
    return render(request, "mdt/attendance.html", {"meeting": mtg, "form": form})


@require_POST
def action_add(request, pk):
    """A general action of the meeting (a case's actions are part of its outcome form)."""
    mtg = meeting_for(request, pk)
    require_chair(request, mtg)
    form = ActionForm(request.POST, people=services.hub_people(mtg.hub))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Action"
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect(meeting_url(mtg))
    try:
        services.add_action(meeting=mtg, by=request.user, **form.cleaned_data)
    except ServiceError as error:
        return refuse(request, error, meeting_url(mtg))
    messages.success(request, "Action added.")
    return redirect(meeting_url(mtg))


@require_POST
def action_done(request, pk):
    action = get_object_or_404(
        queries.actions_visible_to(request.user).select_related("meeting", "meeting__hub"), pk=pk
    )
    try:
        services.complete_action(action=action, by=request.user)
    except ServiceError as error:
        return refuse(request, error, "mdt:my_actions")
    messages.success(request, "Action marked done.")
    if request.POST.get("back") == "meeting":
        return redirect(meeting_url(action.meeting))
    return redirect("mdt:my_actions")


def schedule(request, hub_pk):
    """The coordinator schedules a series of meetings every N weeks (the hub's cadence)."""
    if hub_pk not in hub_ids(request.user, "mdt.manage"):
        raise Http404("No such hub.")
    hub = get_object_or_404(Hub, pk=hub_pk)
    form = ScheduleForm(posted(request), people=services.hub_people(hub))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.schedule_series(hub=hub, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{len(created)} meetings scheduled.")
            return redirect("mdt:meetings")
    return render(request, "mdt/schedule.html", {"hub": hub, "form": form})


# --- looking after a meeting -----------------------------------------------------------------


def _managed(request, pk):
    mtg = meeting_for(request, pk)
    require_manage(request, mtg)
    return mtg


def _not_open(mtg):
    if mtg.status == MeetingStatus.CANCELLED:
        return "This meeting was cancelled."
    return "This meeting has started: it can no longer be changed or cancelled."


def meeting_edit(request, pk):
    """The coordinator changes the time, place or video link of a meeting not yet started."""
    mtg = _managed(request, pk)
    if not mtg.is_open:
        return refuse(request, _not_open(mtg), meeting_url(mtg))
    form = MeetingForm(
        posted(request),
        initial={
            "starts_at": timezone.localtime(mtg.starts_at),
            "place": mtg.place,
            "video_link": mtg.video_link,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed, told = services.change_meeting(
                meeting=mtg, by=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            if not changed:
                messages.info(request, "Nothing was changed.")
            else:
                text = f"Meeting changed: {' and '.join(changed)}."
                if told:
                    text += f" {_counted(told, 'invitee')} who had the agenda told by email."
                messages.success(request, text)
            return redirect(meeting_url(mtg))
    return render(request, "mdt/meeting_edit.html", {"meeting": mtg, "form": form})


def meeting_cancel(request, pk):
    """Cancelling asks first, saying where the cases go and who is told."""
    mtg = _managed(request, pk)
    if request.method == "POST":
        try:
            plan, told = services.cancel_meeting(meeting=mtg, by=request.user)
        except ServiceError as error:
            return refuse(request, error, meeting_url(mtg))
        text = "Meeting cancelled. " + (describe_carry(plan) or "It had no cases.")
        text += f" {_counted(told, 'invitee')} told by email."
        messages.success(request, text)
        return redirect(meeting_url(mtg))
    if not mtg.is_open:
        return refuse(request, _not_open(mtg), meeting_url(mtg))
    audit.record(request, action="mdt.agenda.view", hub=mtg.hub, obj=mtg)
    plan = plan_carry_over(mtg)
    return render(
        request,
        "mdt/meeting_cancel.html",
        {
            "meeting": mtg,
            "plan": plan,
            "summary": describe_carry(plan),
            "told": mtg.invitees.filter(is_active=True).count(),
        },
    )


@require_POST
def meeting_send_agenda(request, pk):
    """Send the agenda now, or again; the page's own "last sent" makes a double press harmless."""
    mtg = _managed(request, pk)
    last = (
        parse_datetime(request.POST.get("last_sent_at", ""))
        if request.POST.get("last_sent_at")
        else None
    )
    try:
        told = services.send_agenda_now(meeting=mtg, by=request.user, last_sent_at=last)
    except ServiceError as error:
        return refuse(request, error, meeting_url(mtg))
    again = " again" if last else ""
    messages.success(request, f"Agenda sent{again} to {_counted(told, 'invitee')} by email.")
    return redirect(meeting_url(mtg))


# --- letters ---------------------------------------------------------------------------------


def meeting_letters(request, pk):
    """Every outcome letter of a finished meeting in one PDF, each look audited per child."""
    mtg = meeting_for(request, pk)
    if mtg.status != MeetingStatus.FINISHED:
        return refuse(
            request,
            "The outcome letters are ready once the meeting has finished.",
            meeting_url(mtg),
        )
    cases = letters.letter_cases(mtg)
    if not cases:
        return refuse(
            request,
            "No case was discussed at this meeting: there are no letters.",
            meeting_url(mtg),
        )
    for case in cases:
        audit.record(
            request, action="mdt.letters.download", hub=mtg.hub, child_id=case.child_id, obj=case
        )
    day = timezone.localtime(mtg.starts_at).date().isoformat()
    response = HttpResponse(letters.meeting_letters_pdf(mtg, cases), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mdt-outcome-letters-{day}.pdf"'
    return response
