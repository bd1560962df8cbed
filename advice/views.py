from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from advice import clock, email_intake, queries, services
from advice.forms import (
    AskForm,
    FollowUpForm,
    ForwardForm,
    InformationForm,
    OutcomeForm,
    PhoneRequestForm,
    ReplyForm,
)
from advice.models import FOLLOW_UP_STATUSES, ReplyKind, Status
from cc4c.errors import ServiceError
from cc4c.submissions import AlreadySubmitted
from clinics import queries as clinic_queries
from hubs import audit
from hubs.access import can, requires
from letters import queries as letter_queries

PAGE_SIZE = 50


# What the one ask form is being asked to do: the child search and its choices are buttons of
# the same form as the question, so nothing typed is lost on the way (no JavaScript needed).
ASK_STEPS = ("search", "choose", "clear_child")
KEPT_FIELDS = ("hub", "request_type", "urgency", "question")


def _ask_step(request):
    if request.method != "POST":
        return "show"
    return next((step for step in ASK_STEPS if step in request.POST), "send")


@requires("advice.ask")
def ask(request):
    """A GP's question: find the child, write the question, attach files. Searching for the
    child, choosing one or asking a general question instead keeps every field as typed."""
    step = _ask_step(request)
    data = request.POST if request.method == "POST" else request.GET
    child_id = request.POST.get("choose") if step == "choose" else data.get("child")
    child = None
    if step != "clear_child" and child_id and str(child_id).isdigit():
        child = queries.askable_child(request.user, int(child_id))
    search = "" if child or step == "choose" else data.get("q", "").strip()
    if step == "send":
        form = AskForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            created = _send_question(request, form)
            if created is not None:
                return created
    else:
        kept = {name: data[name] for name in KEPT_FIELDS if data.get(name)}
        if child is not None:
            kept["hub"] = child.practice.hub_id
        form = AskForm(initial={**kept, "child": child}, user=request.user)
    results = list(queries.search_children(request.user, search))
    shared = clinic_queries.mark_shared_names(
        results, clinic_queries.names_shared_among(results), child=lambda c: c
    )
    if child is not None or search:
        shown = [(c.practice.hub_id, c.pk) for c in [*results, *([child] if child else [])]]
        audit.record_list(request, action="advice.ask.children", shown=shown)
    return render(
        request,
        "advice/ask.html",
        {
            "form": form,
            "child": child,
            "search": search,
            "results": results,
            "shared_names": shared,
            # A browser never sends chosen files again: say so rather than lose them quietly.
            "files_dropped": step in ASK_STEPS and bool(request.FILES),
        },
    )


def _send_question(request, form):
    data = form.cleaned_data
    try:
        advice_request = services.ask(
            hub=data["hub"],
            child=data["child"],
            question=data["question"],
            request_type=data["request_type"],
            urgency=data["urgency"],
            files=data["attachments"],
            submission=data["submission"],
            by=request.user,
        )
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return None
    except AlreadySubmitted as sent:
        return _sent_before(request, sent)
    messages.success(request, f"Your question has been sent ({advice_request.reference}).")
    return redirect("advice:detail", pk=advice_request.pk)


def _sent_before(request, sent):
    """The same form sent again (a double click, a retry): the request the first one made."""
    if sent.record is None:
        messages.info(request, "This form has already been sent.")
        return redirect("advice:mine")
    messages.info(request, f"This question was already sent: it is {sent.record.reference}.")
    return redirect("advice:detail", pk=sent.record.pk)


@requires("advice.answer")
def log_phone(request):
    """A paediatrician records a question taken by phone."""
    form = PhoneRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice_request = services.log_phone_request(
                hub=data["hub"],
                received_at=data["received_at"],
                asked_by=data["asked_by"],
                practice=data["practice"],
                child=data["child"],
                question=data["question"],
                request_type=data["request_type"],
                urgency=data["urgency"],
                submission=data["submission"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        except AlreadySubmitted as sent:
            return _sent_before(request, sent)
        else:
            messages.success(request, f"Phone request {advice_request.reference} logged.")
            return redirect("advice:detail", pk=advice_request.pk)
    return render(request, "advice/phone.html", {"form": form})


@requires("advice.view")
def queue(request):
    """Waiting requests with the time left to the target, overdue ones first."""
    rows = queries.queue(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [(r.request.hub_id, r.request.child_id) for r in page]
    audit.record_list(request, action="advice.queue.view", shown=shown)
    return render(
        request,
        "advice/queue.html",
        {"page": page, "can_log_phone": can(request.user, "advice.answer")},
    )


@requires("advice.ask")
def mine(request):
    """The requests the signed-in GP has asked, newest first."""
    page = Paginator(queries.my_requests(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_list(
        request, action="advice.mine.view", shown=[(r.hub_id, r.child_id) for r in page]
    )
    return render(request, "advice/mine.html", {"page": page})


@requires("advice.view")
def rota(request):
    """Who covers each hub's advice line over the next four weeks."""
    return render(
        request,
        "advice/rota.html",
        {"entries": queries.rota(request.user), "today": timezone.localdate()},
    )


@requires("advice.ask")
def email_confirm(request, token):
    """A GP confirms that an email the advice line could not prove came from them is theirs
    (the link emailed to their registered address); only then is it filed as their request."""
    inbound = email_intake.held_for(token, request.user)
    if inbound is None:
        raise Http404("No such page.")
    if request.method == "POST":
        confirmed = email_intake.confirm(token=token, by=request.user)
        if confirmed is not None and confirmed.advice_request_id:
            reference = confirmed.advice_request.reference
            messages.success(request, f"Your emailed question is request {reference}.")
            return redirect("advice:detail", pk=confirmed.advice_request_id)
        messages.error(
            request,
            "Your email is confirmed but could not be made into a request yet: it will be "
            "tried again, and the hub coordinator can see it.",
        )
        return redirect("advice:mine")
    audit.record(request, action="advice.email.confirm.view", hub=inbound.hub_id, obj=inbound)
    parsed = email_intake.summary(inbound)
    return render(request, "advice/email_confirm.html", {"inbound": inbound, "parsed": parsed})


def detail(request, pk):
    return _render_detail(request, queries.request_for(request.user, pk))


def _render_detail(request, advice_request, **forms):
    # The question and the thread of replies are clinical: every look is audited.
    audit.record(
        request,
        action="advice.view",
        hub=advice_request.hub_id,
        child_id=advice_request.child_id,
        obj=advice_request,
    )
    can_answer = can(request.user, "advice.answer", advice_request.hub_id)
    replies = list(queries.replies_of(advice_request))
    is_asker = advice_request.asked_by_id == request.user.pk
    due = clock.request_due_at(advice_request)
    context = {
        "advice_request": advice_request,
        "replies": replies,
        "letters": letter_queries.about(*(r for r in replies if r.kind == ReplyKind.ANSWER)),
        "files": advice_request.attachments.all(),
        "target": clock.describe_target(advice_request.hub, advice_request.urgency),
        "due_at": due,
        "overdue": bool(due and advice_request.is_waiting and due < timezone.now()),
        "can_answer": can_answer,
        "can_add_info": (is_asker or can_answer) and advice_request.status == Status.AWAITING_INFO,
        "can_follow_up": is_asker
        and advice_request.status in FOLLOW_UP_STATUSES
        and can(request.user, "advice.ask", advice_request.hub_id),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "info_form": forms.get("info_form") or InformationForm(),
        "outcome_form": forms.get("outcome_form")
        or OutcomeForm(initial={"outcome": advice_request.outcome or None}),
        "forward_form": forms.get("forward_form") or ForwardForm(),
    }
    return render(request, "advice/detail.html", context)


def _act(request, pk, form_class, form_name, run, done):
    advice_request = queries.request_for(request.user, pk)
    form = form_class(request.POST) if form_class else None
    if form is None or form.is_valid():
        try:
            run(advice_request, form.cleaned_data if form else {})
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
            return redirect("advice:detail", pk=advice_request.pk)
    if form is None:
        return redirect("advice:detail", pk=advice_request.pk)
    return _render_detail(request, advice_request, **{form_name: form})


@requires("advice.answer")
@require_POST
def claim(request, pk):
    return _act(
        request,
        pk,
        None,
        None,
        lambda r, d: services.claim(advice_request=r, by=request.user),
        "You have claimed this request.",
    )


@requires("advice.answer")
@require_POST
def answer(request, pk):
    return _act(
        request,
        pk,
        ReplyForm,
        "reply_form",
        lambda r, d: services.answer(advice_request=r, text=d["text"], by=request.user),
        "Your answer has been sent.",
    )


@requires("advice.answer")
@require_POST
def ask_info(request, pk):
    return _act(
        request,
        pk,
        ReplyForm,
        "reply_form",
        lambda r, d: services.ask_for_information(
            advice_request=r, text=d["text"], by=request.user
        ),
        "Your request for more information has been sent.",
    )


@require_POST
def add_info(request, pk):
    return _act(
        request,
        pk,
        InformationForm,
        "info_form",
        lambda r, d: services.add_information(advice_request=r, text=d["text"], by=request.user),
        "The information has been added.",
    )


@requires("advice.ask")
@require_POST
def follow_up(request, pk):
    return _act(
        request,
        pk,
        FollowUpForm,
        "follow_up_form",
        lambda r, d: services.ask_follow_up(advice_request=r, text=d["text"], by=request.user),
        "Your follow-up question has been sent. The paediatrician is told.",
    )


@requires("advice.answer")
@require_POST
def outcome(request, pk):
    return _act(
        request,
        pk,
        OutcomeForm,
        "outcome_form",
        lambda r, d: services.record_outcome(
            advice_request=r, outcome=d["outcome"], by=request.user
        ),
        "Outcome recorded.",
    )


@requires("advice.answer")
@require_POST
def forward(request, pk):
    return _act(
        request,
        pk,
        ForwardForm,
        "forward_form",
        lambda r, d: services.put_forward(
            advice_request=r,
            destination=d["destination"],
            reason=d["reason"],
            consent_recorded=d["consent_recorded"],
            by=request.user,
        ),
        "The child has been put forward.",
    )


def attachment(request, pk, attachment_pk):
    """Download one attachment of a request the user may open; every download is audited."""
    found = queries.attachment_for(request.user, pk, attachment_pk)
    audit.record(
        request,
        action="advice.attachment",
        hub=found.request.hub_id,
        child_id=found.request.child_id,
        obj=found,
    )
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
