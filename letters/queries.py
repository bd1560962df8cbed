"""Reads of letters: those about a record (for its page), and the coordinator's list of letters
not sent, each scoped to the person's hubs."""

from django.db.models import Q

from letters.models import Letter, Status

NOT_SENT = (Status.FAILED,)
SORTS = {
    "failed": ("failed_at", "id"),
    "-failed": ("-failed_at", "-id"),
    "practice": ("practice__name", "id"),
    "-practice": ("-practice__name", "-id"),
    "kind": ("kind", "id"),
    "-kind": ("-kind", "-id"),
}


def about(*sources):
    """Every letter about these records (a case, an appointment, replies), newest first."""
    q = Q(pk__in=[])
    for source in sources:
        q |= Q(source_type=source._meta.label_lower, source_id=source.pk)
    return list(Letter.objects.filter(q).defer("html", "pdf").order_by("-created_at", "-id"))


def letter_for(user, pk):
    """One letter the person may open (its hub's ``letters.view``), or None."""
    return (
        Letter.objects.visible_to(user)
        .select_related("hub", "child", "practice")
        .filter(pk=pk)
        .first()
    )


def not_sent(user, *, search="", sort="-failed"):
    """The letters of the coordinator's hubs that failed, for them to put right and send again."""
    letters = (
        Letter.objects.visible_to(user, "letters.manage")
        .filter(status__in=NOT_SENT)
        .select_related("hub", "practice", "child")
        .defer("html", "pdf")
    )
    search = search.strip()
    if search:
        digits = search.replace(" ", "")
        letters = letters.filter(
            Q(practice__name__icontains=search)
            | Q(practice__ods_code__iexact=search)
            | Q(child__family_name__icontains=search)
            | Q(child__nhs_number=digits)
            | Q(local_id__startswith=search.lower())
        )
    return letters.order_by(*SORTS.get(sort, SORTS["-failed"]))
