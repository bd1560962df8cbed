"""Families pages: a child's contacts, the outbox of messages to families, the replies and
contacts to correct for coordinators, and the family's own page behind a one-use link."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cc4c.errors import ServiceError
from families import queries, services, wording
from families.forms import AnswerForm, CarerForm, CloseTaskForm
from families.models import Answer, Carer, ContactTask, FamilyLink, Kind, Purpose
from feedback import throttle
from hubs.access import requires
from hubs.audit import record, record_list
from population.models import Child

PAGE_SIZE = 50


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _child(request, pk, action="family.contacts"):
    return get_object_or_404(
        Child.objects.visible_to(request.user, action).select_related("practice"), pk=pk
    )


def carers(request, child_id):
    """A child's contacts: who, how, their consent, and a form to add one."""
    child = _child(request, child_id)
    form = CarerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_carer(child=child, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error("relationship", str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['name']} is one of {child}'s contacts.")
            return redirect("families:carers", child_id=child.pk)
    record(request, action="family.contacts.view", hub=child.practice.hub_id, child_id=child.pk)
    context = {"child": child, "carers": queries.carers_of(child), "form": form}
    return render(request, "families/carers.html", context)


def carer_edit(request, pk):
    carer = get_object_or_404(
        Carer.objects.visible_to(request.user, "family.contacts").select_related("child__practice"),
        pk=pk,
    )
    child = carer.child
    if request.method == "POST" and request.POST.get("remove"):
        services.remove_carer(carer=carer, by=request.user)
        messages.success(request, f"{carer.name} is no longer a contact. Their messages are kept.")
        return redirect("families:carers", child_id=child.pk)
    form = CarerForm(request.POST or None, instance=carer)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_carer(carer=carer, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error("relationship", str(exc))
        else:
            messages.success(request, f"{carer.name}'s details are saved.")
            return redirect("families:carers", child_id=child.pk)
    record(
        request,
        action="family.contacts.view",
        hub=child.practice.hub_id,
        child_id=child.pk,
        obj=carer,
    )
    history = carer.history.select_related("history_user").order_by("-history_date")[:20]
    context = {"child": child, "carer": carer, "form": form, "history": history}
    return render(request, "families/carer_form.html", context)


def _rendered(message):
    subject, body = wording.render(
        message.kind, message.outbox.channel, message.outbox.personalisation
    )
    message.subject, message.body = subject, body
    return message


@requires("family.messages")
def outbox(request):
    """Every text and email to families of the person's hubs, as the family receives it."""
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "newest")
    page = _page(request, queries.outbox(request.user, q=q, kind=kind, status=status, sort=sort))
    for message in page.object_list:
        _rendered(message)
    record_list(request, action="family.outbox.view", shown=[(m.hub_id, m.child_id) for m in page])
    from cc4c.models import NotificationStatus

    context = {
        "page": page,
        "q": q,
        "kind": kind,
        "status": status,
        "sort": sort,
        "kinds": Kind.choices,
        "statuses": NotificationStatus.choices,
        "notify_on": services.govuk_notify.has_key(),
    }
    return render(request, "families/outbox.html", context)


@requires("family.messages")
def replies(request):
    """What families answered that needs a coordinator, the slots they gave back, and the
    contacts Notify could not deliver to."""
    since = timezone.now() - datetime.timedelta(days=14)
    context = {
        "replies": _page(request, queries.replies(request.user)),
        "given_back": list(queries.cant_come(request.user, since)[:50]),
        "tasks": list(queries.open_tasks(request.user)[:100]),
        "close_form": CloseTaskForm(),
    }
    shown = [(link.hub_id, link.child_id) for link in context["replies"]]
    shown += [(link.hub_id, link.child_id) for link in context["given_back"]]
    shown += [(t.message.hub_id, t.carer.child_id) for t in context["tasks"]]
    record_list(request, action="family.replies.view", shown=shown)
    return render(request, "families/replies.html", context)


@require_POST
def reply_done(request, pk):
    link = get_object_or_404(FamilyLink.objects.visible_to(request.user, "family.messages"), pk=pk)
    try:
        services.mark_done(link=link, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Marked as dealt with.")
    return redirect("families:replies")


@require_POST
def task_close(request, pk):
    task = get_object_or_404(
        ContactTask.objects.visible_to(request.user).select_related("carer__child__practice"),
        pk=pk,
    )
    form = CloseTaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was done to close the task.")
        return redirect("families:replies")
    try:
        services.close_task(task=task, note=form.cleaned_data["note"], by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Task closed.")
    return redirect("families:replies")


CLOSED = {
    "unknown": (404, "We do not recognise this link", "Please check the link in your message."),
    "used": (
        410,
        "You have already answered",
        "Thank you: this link has already been used. To change your answer, please call us.",
    ),
    "expired": (410, "This link has expired", "To talk about the appointment, please call us."),
    "cancelled": (
        410,
        "This appointment is no longer booked",
        "It was cancelled. If you need another appointment, please call us.",
    ),
    "moved": (
        410,
        "This appointment has moved",
        "We sent you a newer message with the new time. Please use the link in that one.",
    ),
    "closed": (
        410,
        "You are no longer on the waiting list",
        "If you still need an appointment, please call us.",
    ),
}


def _closed(request, reason, link=None):
    status, title, detail = CLOSED[reason]
    phone = services._phone(link.hub) if link is not None else ""
    context = {"title": title, "detail": detail, "phone": phone or wording.NO_PHONE}
    return render(request, "families/answer_closed.html", context, status=status)


def _too_many(request):
    response = render(request, "feedback/family_slow_down.html", status=429)
    response["Retry-After"] = "600"
    return response


@login_not_required
@never_cache
def answer(request, token):
    """The family's page behind the link in a message: no sign-in, the child's first name only."""
    if not throttle.allow(request, scope="families"):
        return _too_many(request)
    link = services.find_link(token)
    if link is None:
        return _closed(request, "unknown")
    reason = services.refusal(link)
    if reason:
        return _closed(request, reason, link)
    form = AnswerForm(request.POST or None, link=link)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer(token=token, answer=form.cleaned_data["answer"])
        except services.FamilyError as exc:
            if str(exc) in CLOSED:
                return _closed(request, str(exc), link)
            form.add_error("answer", str(exc))
        else:
            return redirect(reverse("families:answered") + f"?a={form.cleaned_data['answer']}")
    context = {
        "form": form,
        "link": link,
        "first_name": wording.personalisation(Kind.FEEDBACK, child=link.child, phone="", link="")[
            "first_name"
        ],
        "phone": services._phone(link.hub) or wording.NO_PHONE,
        "purpose": Purpose,
    }
    return render(request, "families/answer.html", context)


THANKS = {
    Answer.CONFIRMED: "Thank you: we will see you then.",
    Answer.CANT_COME: "Thank you for telling us. The appointment is cancelled and your child "
    "keeps their place on the waiting list: we will offer you another appointment.",
    Answer.ANOTHER_TIME: "Thank you. The hub team will contact you with another time.",
    Answer.STILL_NEEDED: "Thank you. Your child stays on the waiting list.",
    Answer.NOT_NEEDED: "Thank you for telling us. The hub team will take your child off the list.",
    Answer.REBOOK: "Thank you. The hub team will contact you to book another appointment.",
    Answer.NO_REBOOK: "Thank you for telling us.",
}


@login_not_required
def answered(request):
    text = THANKS.get(request.GET.get("a"), "Thank you for your answer.")
    return render(request, "families/answered.html", {"text": text})
