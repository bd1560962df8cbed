"""A case: the child's summary and the case; for the chair, the live outcome screen where the
outcome, plan, learning point and new actions are one form."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cc4c import formatting
from cc4c.errors import ServiceError
from hubs import access, audit
from hubs.access import may_chair
from letters import queries as letter_queries
from mdt import letters, queries, services
from mdt.forms import (
    ErrorSummarySource,
    MoveCaseForm,
    OutcomeForm,
    RemoveCaseForm,
    action_rows,
    kept,
)
from mdt.models import MeetingStatus
from mdt.views.common import (
    case_for,
    case_url,
    form_error,
    meeting_url,
    posted,
    refuse,
    require_chair,
    require_manage,
)


def _running(request, c):
    return may_chair(request.user, c.meeting) and c.meeting.status in (
        MeetingStatus.IN_PROGRESS,
        MeetingStatus.FINISHED,
    )


def case(request, pk):
    """One case: the child's summary and the case; for the chair, the live outcome screen."""
    return _case_page(request, case_for(request, pk))


def _case_page(request, c, outcome_form=None, rows=None, status=200):
    audit.record(request, action="mdt.case.view", hub=c.meeting.hub, child_id=c.child_id, obj=c)
    mtg = c.meeting
    running = _running(request, c)
    if running and outcome_form is None:
        outcome_form = OutcomeForm(
            initial={
                "outcome": c.outcome,
                "named_professional": c.named_professional,
                "plan": c.plan,
                "learning_points": c.learning_points,
            },
        )
        rows = action_rows(people=services.hub_people(mtg.hub))
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
            "is_chair": may_chair(request.user, mtg),
            "outcome_form": outcome_form if running else None,
            "rows": rows if running else None,
            "errors": ErrorSummarySource(outcome_form, *rows) if running else None,
            "previous_pk": siblings[index - 1] if index > 0 else None,
            "next_pk": siblings[index + 1] if index + 1 < len(siblings) else None,
            "position": index + 1,
            "case_count": len(siblings),
            "may_letter": c.discussed,
            "letters": letter_queries.about(c)
            if access.can(request.user, "letters.view", mtg.hub_id)
            else [],
        },
        status=status,
    )


def _saved_message(added, draft):
    text = "Outcome saved"
    if added:
        text += f", {len(added)} action{'s' if len(added) > 1 else ''} added"
    if draft is not None:
        if draft.status == "awaiting":
            text += ", learning point drafted for the chair to publish in the learning library"
        else:
            text += " (the learning point was already reviewed: change it in the library)"
    return text + "."


@require_POST
def case_outcome(request, pk):
    """Save the outcome with its new actions, or ("Add another action") show the form again
    with one more action row and everything typed kept."""
    c = case_for(request, pk)
    require_chair(request, c.meeting)
    if not _running(request, c):
        return refuse(
            request,
            "Outcomes are recorded by the chair once the meeting has started.",
            case_url(c),
        )
    people = services.hub_people(c.meeting.hub)
    form = OutcomeForm(request.POST)
    rows = action_rows(request.POST, people=people)
    if "add_action" in request.POST:
        form, rows = kept(form, rows, people=people)
        rows.forms[-1].fields["description"].widget.attrs["autofocus"] = True
        return _case_page(request, c, form, rows)
    rows_valid = not rows.is_bound or rows.is_valid()
    if form.is_valid() and rows_valid:
        try:
            _case, added, draft = services.record_discussion(
                case=c,
                by=request.user,
                actions=[row.cleaned_data for row in rows if row.is_filled],
                **form.cleaned_data,
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, _saved_message(added, draft))
            nxt = (
                queries.agenda(c.meeting)
                .filter(
                    Q(agenda_order__gt=c.agenda_order) | Q(agenda_order=c.agenda_order, pk__gt=c.pk)
                )
                .first()
            )
            return redirect(case_url(nxt) if nxt else meeting_url(c.meeting))
    return _case_page(request, c, form, rows, status=400)


@require_POST
def case_move(request, pk):
    c = case_for(request, pk)
    require_manage(request, c.meeting)
    form = MoveCaseForm(request.POST, meetings=queries.open_meetings_of(c.meeting.hub))
    if not form.is_valid():
        return refuse(request, "Choose a meeting to move the case to.", meeting_url(c.meeting))
    try:
        services.move_case(case=c, to_meeting=form.cleaned_data["to_meeting"], by=request.user)
    except ServiceError as error:
        return refuse(request, error, meeting_url(c.meeting))
    messages.success(
        request,
        "Case moved to the meeting on "
        f"{formatting.weekday_when(form.cleaned_data['to_meeting'].starts_at)}.",
    )
    return redirect(meeting_url(c.meeting))


@require_POST
def case_reorder(request, pk):
    c = case_for(request, pk)
    require_manage(request, c.meeting)
    try:
        place = services.reorder_case(
            case=c, up=request.POST.get("direction") == "up", by=request.user
        )
    except ServiceError as error:
        return refuse(request, error, meeting_url(c.meeting))
    # Messages travel in a cookie: they never name the child.
    messages.success(request, f"Case moved: it is now number {place} on the agenda.")
    return redirect(meeting_url(c.meeting))


def case_remove(request, pk):
    """Taking a case off the agenda asks why first (kept in its history)."""
    c = case_for(request, pk)
    require_manage(request, c.meeting)
    try:
        services.check_removable(case=c, by=request.user)
    except ServiceError as error:
        return refuse(request, error, meeting_url(c.meeting))
    form = RemoveCaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_case(case=c, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                "The case was taken off the agenda."
                + (
                    " The person who put the case forward is told by email."
                    if c.put_forward_by_id and c.put_forward_by_id != request.user.pk
                    else ""
                ),
            )
            return redirect(meeting_url(c.meeting))
    audit.record(request, action="mdt.case.view", hub=c.meeting.hub, child_id=c.child_id, obj=c)
    return render(
        request,
        "mdt/case_remove.html",
        {"case": c, "meeting": c.meeting, "child": c.child, "form": form},
        status=400 if form.errors else 200,
    )


def _letter_case(request, pk):
    c = case_for(request, pk)
    if not c.discussed:
        raise Http404("This case has no outcome yet.")
    audit.record(request, action="mdt.letter.view", hub=c.meeting.hub, child_id=c.child_id, obj=c)
    return c


def case_letter(request, pk):
    """The outcome letter for the referring GP, for the GP record: print it or download it."""
    c = _letter_case(request, pk)
    return render(request, "mdt/letter.html", {"case": c, "page": letters.page(c)})


def case_letter_pdf(request, pk):
    c = _letter_case(request, pk)
    response = HttpResponse(letters.outcome_letter_pdf(c), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mdt-outcome-letter-{c.pk}.pdf"'
    return response
