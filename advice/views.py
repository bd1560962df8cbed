from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from advice import clock, queries, services
from advice.forms import (
    AskForm,
    ForwardForm,
    InformationForm,
    OutcomeForm,
    PhoneRequestForm,
    ReplyForm,
)
from advice.models import Status
from cc4c.errors import ServiceError
from hubs import audit
from hubs.access import can, requires

PAGE_SIZE = 50


@requires("advice.ask")
def ask(request):
    """A GP's question: search the hub's children, write the question, attach files."""
    child = None
    child_id = request.POST.get("child") or request.GET.get("child")
    if child_id and str(child_id).isdigit():
        child = queries.askable_child(request.user, int(child_id))
    search = request.GET.get("q", "")
    initial = {"child": child, "hub": child.practice.hub if child else None}
    form = AskForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice_request = services.ask(
                hub=data["hub"],
                child=data["child"],
                question=data["question"],
                request_type=data["request_type"],
                urgency=data["urgency"],
                files=data["attachments"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Your question has been sent ({advice_request.reference}).")
            return redirect("advice:detail", pk=advice_request.pk)
    return render(
        request,
        "advice/ask.html",
        {
            "form": form,
            "child": child,
            "search": search,
            "results": queries.search_children(request.user, search),
        },
    )


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
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Phone request {advice_request.reference} logged.")
            return redirect("advice:detail", pk=advice_request.pk)
    return render(request, "advice/phone.html", {"form": form})


@requires("advice.view")
def queue(request):
    """Waiting requests with the time left to the target, overdue ones first."""
    rows = queries.queue(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "advice/queue.html",
        {"page": page, "can_log_phone": can(request.user, "advice.answer")},
    )


@requires("advice.ask")
def mine(request):
    """The requests the signed-in GP has asked, newest first."""
    page = Paginator(queries.my_requests(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "advice/mine.html", {"page": page})


@requires("advice.view")
def rota(request):
    """Who covers each hub's advice line over the next four weeks."""
    return render(
        request,
        "advice/rota.html",
        {"entries": queries.rota(request.user), "today": timezone.localdate()},
    )


def detail(request, pk):
    advice_request = queries.request_for(request.user, pk)
    if advice_request.child_id:
        audit.record(
            request,
            action="advice.view",
            hub=advice_request.hub_id,
            child_id=advice_request.child_id,
            obj=advice_request,
        )
    return _render_detail(request, advice_request)


def _render_detail(request, advice_request, **forms):
    can_answer = can(request.user, "advice.answer", advice_request.hub_id)
    is_asker = advice_request.asked_by_id == request.user.pk
    due = clock.request_due_at(advice_request)
    context = {
        "advice_request": advice_request,
        "replies": queries.replies_of(advice_request),
        "files": advice_request.attachments.all(),
        "target": clock.describe_target(advice_request.hub),
        "due_at": due,
        "overdue": bool(due and advice_request.is_waiting and due < timezone.now()),
        "can_answer": can_answer,
        "can_add_info": (is_asker or can_answer) and advice_request.status == Status.AWAITING_INFO,
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
