"""The outcome letter of an MDT discussion, for the GP record, on the one letter design
(letters/documents.py): one rendering, every form.

``page(case)`` is the letter; ``outcome_letter_html(case)`` it as a standalone HTML document,
``outcome_letter_pdf(case)`` as PDF bytes; ``meeting_letters_pdf(meeting)`` every letter of a
finished meeting in one PDF, each on its own pages; the web page (``mdt/letter.html``) shows the
same page. ``queue(case, by=...)`` writes the letter to the outbox for the child's practice (when
the meeting finishes, and a correction after that). None of these checks who may read the
letter or audits the look: the caller does.
"""

from django.db.models import Prefetch
from django.utils import timezone

from letters import documents, services
from letters.models import Kind
from mdt.models import Action

BODY = "mdt/letter_body.html"
TITLE = "Outcome of MDT discussion"


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


def page(case, *, present=None, author=None):
    """The letter of ``case``, signed by the meeting's chair (else ``author``)."""
    meeting = case.meeting
    context = letter_context(case, present=present)
    return documents.Page(
        title=TITLE,
        body_template=BODY,
        context=context,
        hub=meeting.hub,
        child=case.child,
        author=meeting.chair or author,
        dated=timezone.localtime(meeting.finished_at or meeting.starts_at).date(),
        extra={"case": case},
    )


def outcome_letter_html(case):
    return documents.html([page(case)])


def outcome_letter_pdf(case):
    return documents.pdf(outcome_letter_html(case))


def meeting_letters_pdf(meeting, cases=None):
    """Every outcome letter of ``meeting`` (its discussed cases, or ``cases``) in one PDF."""
    cases = letter_cases(meeting) if cases is None else cases
    present = _present(meeting)
    for case in cases:
        case.meeting = meeting  # one chair, whose role is looked up once for every letter
    pages = [page(case, present=present) for case in cases]
    return documents.pdf(documents.html(pages, title="MDT outcome letters"))


def queue(case, *, by):
    """Write the letter of ``case`` to the outbox for the child's practice, in the caller's
    transaction."""
    return services.queue(page=page(case, author=by), kind=Kind.MDT_OUTCOME, source=case)
