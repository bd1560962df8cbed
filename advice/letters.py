"""The advice answer as a letter to the child's GP practice: the question, the thread up to the
answer, and the answer, signed by the paediatrician who gave it, on the one letter design
(letters/documents.py). Written to the letters outbox with each answer about a child."""

from letters import documents, services
from letters.models import Kind

BODY = "advice/letter_body.html"


def page(reply, *, thread=None):
    advice_request = reply.request
    if thread is None:
        thread = list(
            advice_request.replies.filter(created_at__lte=reply.created_at)
            .select_related("author")
            .order_by("created_at", "id")
        )
    return documents.Page(
        title="Advice from the hub's paediatrician",
        body_template=BODY,
        context={"request": advice_request, "thread": thread, "answer": reply},
        hub=advice_request.hub,
        child=advice_request.child,
        author=reply.author,
    )


def queue(reply):
    """Write the letter of an answer about a child to the outbox, in the caller's transaction."""
    if reply.request.child_id is None:
        return None  # a general question names no child: no record to file it in
    return services.queue(page=page(reply), kind=Kind.ADVICE, source=reply)
