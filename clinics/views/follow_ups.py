"""Not-brought follow-ups: the worklist and the decision, with where the child goes next."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from cc4c import formatting
from cc4c.errors import ServiceError
from cc4c.submissions import AlreadySubmitted
from clinics import queries, services
from clinics.forms import DecisionForm, slot_label
from clinics.models import NextStep, NotBroughtFollowUp
from clinics.views.common import page_of, posted
from hubs import access
from hubs.access import requires
from hubs.audit import record, record_list


@requires("clinic.view")
def follow_up_list(request):
    page = page_of(request, queries.follow_up_worklist(request.user))
    record_list(
        request,
        action="clinic.follow_up_list.view",
        shown=[(f.appointment.slot.session.hub_id, f.appointment.child_id) for f in page],
    )
    return render(request, "clinics/follow_up_list.html", {"page": page})


def _closed_message(follow_up):
    child = follow_up.appointment.child
    if follow_up.next_step == NextStep.BOOKED:
        return (
            f"Decision recorded and the follow-up closed. {child} is booked: "
            f"{slot_label(follow_up.next_appointment.slot)}. The practice is told."
        )
    if follow_up.next_step == NextStep.WAITING_LIST:
        referral = follow_up.appointment.referral
        return (
            f"Decision recorded and the follow-up closed. {child} is back on the waiting list, "
            f"referred {formatting.weekday(referral.referral_date)}."
        )
    return "Decision recorded. The follow-up is closed."


def follow_up_detail(request, pk):
    qs = NotBroughtFollowUp.objects.visible_to(request.user).select_related(
        "appointment__child__practice",
        "appointment__slot__session__hub",
        "appointment__slot__session__host_practice",
        "appointment__referral__referred_by",
        "next_appointment__slot__session__host_practice",
        "decided_by",
    )
    follow_up = get_object_or_404(qs, pk=pk)
    appointment = follow_up.appointment
    hub_id = appointment.slot.session.hub_id
    user = request.user
    can_decide = follow_up.is_open and access.can(user, "clinic.refer", hub_id)
    can_book = access.can(user, "clinic.book", hub_id)
    referral_date = (
        appointment.referral.referral_date
        if appointment.referral
        else appointment.referral_date or appointment.slot.session.date
    )
    form = DecisionForm(
        posted(request),
        slots=queries.free_slots(user, hub_id) if can_book else None,
        referral_date=referral_date,
    )
    if request.method == "POST":
        if not can_decide:
            raise Http404("No such page.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                closed = services.record_decision(
                    follow_up=follow_up,
                    decision=data["decision"],
                    note=data["note"],
                    slot=data.get("slot") if data["next_step"] == "book" else None,
                    to_waiting_list=data["next_step"] == "waiting_list",
                    submission=data["submission"],
                    by=user,
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            except AlreadySubmitted:
                # The same form sent twice (a double click, a retry): the first one decided.
                messages.info(request, "This decision was already recorded.")
                return redirect("clinics:follow_up_detail", pk=follow_up.pk)
            else:
                messages.success(request, _closed_message(closed))
                return redirect("clinics:follow_up_detail", pk=closed.pk)
    record(
        request,
        action="clinic.follow_up.view",
        hub=hub_id,
        child_id=appointment.child_id,
        obj=follow_up,
    )
    return render(
        request,
        "clinics/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "appointment": appointment,
            "child": appointment.child,
            "form": form,
            "can_decide": can_decide,
            "can_see_child": access.can(user, "child.view", hub_id),
            "contacts": queries.practice_contacts(appointment.child, appointment.referral),
            "referral_date": referral_date,
            "assigned": list(follow_up.assigned_to.all()),
        },
    )
