"""The outcome letter of an MDT discussion, for the GP record: one rendering, three forms.

``outcome_letter_html(case)`` is the letter as a standalone HTML document (what a PDF, a print
or a message to the practice carries); ``outcome_letter_pdf(case)`` the same as PDF bytes;
``meeting_letters_pdf(meeting)`` every letter of a finished meeting in one PDF, each on its own
pages. The web page (``mdt/letter.html``) shows the same ``mdt/letter_body.html``. None of these
checks who may read the letter or audits the look: the caller does.
"""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from mdt.models import Action

DOCUMENT = "mdt/letter_document.html"


def letter_cases(meeting):
    """The discussed cases of ``meeting`` in agenda order, read for their letters."""
    return list(
        meeting.cases.filter(discussed=True)
        .select_related("child", "child__practice", "put_forward_by", "meeting", "meeting__hub")
        .select_related("meeting__chair")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner").order_by("due_on", "id"),
                to_attr="letter_actions",
            )
        )
        .order_by("agenda_order", "id")
    )


def _present(meeting):
    return list(meeting.attendances.filter(present=True).select_related("person"))


def letter_context(case, *, present=None):
    """What the letter of ``case`` says (the case read with its child, practice and meeting)."""
    actions = getattr(case, "letter_actions", None)
    if actions is None:
        actions = list(case.actions.select_related("owner").order_by("due_on", "id"))
    return {
        "case": case,
        "child": case.child,
        "meeting": case.meeting,
        "actions": actions,
        "attendances": _present(case.meeting) if present is None else present,
    }


def _document(letters):
    return render_to_string(DOCUMENT, {"letters": letters, "printed_at": timezone.localtime()})


def _pdf(html):
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def outcome_letter_html(case):
    return _document([letter_context(case)])


def outcome_letter_pdf(case):
    return _pdf(outcome_letter_html(case))


def meeting_letters_pdf(meeting, cases=None):
    """Every outcome letter of ``meeting`` (its discussed cases, or ``cases``) in one PDF."""
    cases = letter_cases(meeting) if cases is None else cases
    present = _present(meeting)
    return _pdf(_document([letter_context(case, present=present) for case in cases]))
