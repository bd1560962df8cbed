"""A letter's PDF (audited; no cache keeps it, as none keeps any page: cc4c.middleware), and
the coordinator's list of letters not sent with "Send again"."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cc4c import csv_export, formatting
from cc4c.errors import ServiceError
from hubs.access import requires
from hubs.audit import record, record_list
from letters import documents, queries, services

PAGE_SIZE = 50


def _letter(request, pk):
    letter = queries.letter_for(request.user, pk)
    if letter is None:
        raise Http404("No such letter.")
    return letter


@requires("letters.view")
def letter_pdf(request, pk):
    """The letter as it was sent (or will be), as a PDF download."""
    letter = _letter(request, pk)
    record(
        request, action="letters.download", hub=letter.hub_id, child_id=letter.child_id, obj=letter
    )
    data = bytes(letter.pdf) if letter.pdf is not None else documents.pdf(letter.html)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{letter.reference}.pdf"'
    return response


@requires("letters.manage")
def not_sent(request):
    search = request.GET.get("q", "")
    sort = request.GET.get("sort", "-failed")
    letters = queries.not_sent(request.user, search=search, sort=sort)
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    record_list(
        request,
        action="letters.not_sent.view",
        shown=[(letter.hub_id, letter.child_id) for letter in page],
    )
    return render(
        request,
        "letters/not_sent.html",
        {"page": page, "q": search, "sort": sort, "sorts": SORT_LABELS},
    )


SORT_LABELS = [
    ("-failed", "Most recently failed first"),
    ("failed", "Longest failed first"),
    ("practice", "Practice"),
    ("kind", "Kind of letter"),
]


@requires("letters.manage")
def not_sent_csv(request):
    letters = queries.not_sent(request.user, search=request.GET.get("q", ""))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="letters-not-sent.csv"'
    out = csv_export.writer(response, quoting=csv.QUOTE_MINIMAL)
    out.writerow(
        ["reference", "kind", "hub", "practice_ods", "practice", "nhs_number", "failed", "reason"]
    )
    letters = list(letters)
    record_list(
        request,
        action="letters.not_sent.export",
        shown=[(letter.hub_id, letter.child_id) for letter in letters],
    )
    for letter in letters:
        out.writerow(
            [
                letter.reference,
                letter.get_kind_display(),
                letter.hub.code,
                letter.practice.ods_code,
                letter.practice.name,
                letter.child.nhs_number,
                formatting.when(letter.failed_at),
                letter.last_error,
            ]
        )
    return response


@require_POST
@requires("letters.manage")
def send_again(request, pk):
    letter = queries.letter_for(request.user, pk)
    if letter is None or not request.user.is_authenticated:
        raise Http404("No such letter.")
    try:
        services.send_again(letter=letter, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        record(
            request,
            action="letters.send_again",
            hub=letter.hub_id,
            child_id=letter.child_id,
            obj=letter,
        )
        messages.success(
            request, f"Letter {letter.reference} to {letter.practice.name} is queued to send again."
        )
    return redirect("letters:not_sent")
