"""The waiting list: the list with a Book link on each row, booking a waiting child into a
free slot, the CSV download, and referring a child."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cc4c import csv_export, formatting
from cc4c.errors import ServiceError
from cc4c.submissions import AlreadySubmitted
from clinics import queries, services
from clinics.forms import BookSlotForm, OffListForm, ReferralForm
from clinics.models import Referral, ReferralStatus
from clinics.views.common import page_of, posted
from clinics.views.sessions import booked_before, booked_message, sent_before
from hubs import access
from hubs.access import requires
from hubs.audit import record, record_list
from population.models import Child


def _list_view(request):
    """The order and the search of the waiting list, from the query string."""
    return request.GET.get("sort", "waited"), request.GET.get("q", "").strip()


@requires("clinic.view")
def waiting_list(request):
    sort, q = _list_view(request)
    page = page_of(request, queries.waiting_list(request.user, sort=sort, q=q))
    queries.mark_over_target(page.object_list)
    shared = queries.mark_shared_names(
        page.object_list, queries.shared_names(queries.waiting_list(request.user))
    )
    record_list(
        request, action="clinic.waiting_list.view", shown=[(r.hub_id, r.child_id) for r in page]
    )
    return render(
        request,
        "clinics/waiting_list.html",
        {
            "page": page,
            "sort": sort,
            "q": q,
            "shared_names": shared,
            "book_hub_ids": access.hub_ids(request.user, "clinic.book"),
        },
    )


def _waiting_referral(request, pk):
    """A referral of the person's hubs they may book, or 404; with the refusal to show when the
    child is no longer waiting (booked or closed meanwhile)."""
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user, "clinic.book").select_related(
            "child__practice", "hub", "referred_by"
        ),
        pk=pk,
    )
    if referral.status != ReferralStatus.WAITING:
        status = referral.get_status_display().lower()
        return referral, f"{referral.child} is no longer waiting: the referral is {status}."
    return referral, None


def _referral_page(request, referral, template, **context):
    """A page about one waiting child's referral: the look audited, the wait marked."""
    record(
        request,
        action="clinic.referral.view",
        hub=referral.hub_id,
        child_id=referral.child_id,
        obj=referral,
    )
    queries.mark_over_target([referral])
    return render(request, template, {"referral": referral, "child": referral.child, **context})


def referral_book(request, pk):
    """Book a child from the waiting list: choose one of the hub's free slots."""
    referral, refusal = _waiting_referral(request, pk)
    child = referral.child
    if (sent := sent_before(request)) is not None:
        return booked_before(request, sent)
    if refusal:
        messages.error(request, refusal)
        return redirect("clinics:waiting_list")
    slots = queries.free_slots(request.user, referral.hub_id)
    form = BookSlotForm(posted(request), slots=slots)
    if request.method == "POST" and form.is_valid():
        slot = form.cleaned_data["slot"]
        try:
            services.book_appointment(
                slot=slot,
                child=child,
                referral=referral,
                submission=form.cleaned_data["submission"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        except AlreadySubmitted as sent:
            return booked_before(request, sent)
        else:
            messages.success(request, booked_message(child, slot))
            return redirect("clinics:session_detail", pk=slot.session_id)
    return _referral_page(
        request,
        referral,
        "clinics/referral_book.html",
        form=form,
        page=page_of(request, slots),
        chosen=str(form["slot"].value() or ""),
    )


def referral_off_list(request, pk):
    """Take a child off the waiting list without an appointment, saying why."""
    referral, refusal = _waiting_referral(request, pk)
    child = referral.child
    if refusal:
        messages.error(request, refusal)
        return redirect("clinics:waiting_list")
    form = OffListForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.take_off_waiting_list(referral=referral, **form.cleaned_data, by=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("clinics:waiting_list")
        messages.success(request, f"{child} is off the waiting list. Their practice has been told.")
        return redirect("clinics:waiting_list")
    return _referral_page(request, referral, "clinics/referral_off_list.html", form=form)


@requires("clinic.view")
def waiting_list_csv(request):
    """The waiting list as a spreadsheet, with the search and order of the page it was
    downloaded from: identifiable, so the download is audited."""
    sort, q = _list_view(request)
    referrals = queries.mark_over_target(list(queries.waiting_list(request.user, sort=sort, q=q)))
    record_list(
        request,
        action="clinic.waiting_list.export",
        shown=[(r.hub_id, r.child_id) for r in referrals],
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="clinic-waiting-list.csv"'
    writer = csv_export.writer(response)
    writer.writerow(
        ["nhs_number", "given_name", "family_name", "date_of_birth", "practice", "referral_date"]
        + ["weeks_waiting", "over_target", "priority", "source", "reason"]
    )
    for r in referrals:
        child = r.child
        writer.writerow(
            [child.nhs_number, child.given_name, child.family_name]
            + [
                formatting.day(child.date_of_birth),
                child.practice.name,
                formatting.day(r.referral_date),
            ]
            + [r.weeks_waiting, "yes" if r.over_target else "no", r.priority, r.source, r.reason]
        )
    return response


def refer(request, child_id):
    child = get_object_or_404(
        Child.objects.visible_to(request.user, "clinic.refer").select_related("practice"),
        pk=child_id,
    )
    record(request, action="clinic.refer.view", hub=child.practice.hub_id, child_id=child.pk)
    form = ReferralForm(posted(request), initial={"referral_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.refer(child=child, **form.cleaned_data, by=request.user)
        except ServiceError as exc:
            form.add_error("referral_date", str(exc))
        else:
            messages.success(request, "The child is on the clinic's waiting list.")
            return redirect("clinics:waiting_list")
    return render(request, "clinics/refer.html", {"form": form, "child": child})
