"""Feedback pages: the family's public form, the coordinator's comment moderation, the
overview of answers and ratings, and an attendee's rating of an MDT meeting."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cc4c.errors import ServiceError
from feedback import queries, services, throttle
from feedback.forms import FamilyFeedbackForm, MeetingFeedbackForm
from feedback.metrics import experience_measures
from hubs import access, audit
from hubs.access import requires

REFUSALS = {
    "unknown": (
        404,
        "We do not recognise this link",
        "Please check the address, or scan the code on your letter again.",
    ),
    "used": (
        410,
        "Thank you: this link has already been used",
        "Each link takes one answer, and an answer has already been given with this one.",
    ),
    "expired": (
        410,
        "This feedback link has expired",
        "Links stay open for 60 days after the "
        "appointment or advice. Thank you for wanting to tell us.",
    ),
    "not_yet": (
        200,
        "This form opens on the day of the appointment",
        "Please come back after your child's appointment.",
    ),
    "no_appointment": (
        200,
        "This appointment did not go ahead",
        "We can only take feedback about an appointment that took place.",
    ),
}


def _refused(request, reason):
    status, title, detail = REFUSALS[reason]
    return render(
        request, "feedback/family_closed.html", {"title": title, "detail": detail}, status=status
    )


def _too_many(request):
    response = render(request, "feedback/family_slow_down.html", status=429)
    response["Retry-After"] = "600"
    return response


@login_not_required
@never_cache
def family(request, token):
    """The public Friends and Family Test form behind a one-use link."""
    if not throttle.allow(request):
        return _too_many(request)
    invitation = services.find_invitation(token)
    if invitation is None:
        return _refused(request, "unknown")
    reason = services.refusal(invitation)
    if reason:
        return _refused(request, reason)
    form = FamilyFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer(token=token, **form.cleaned_data)
        except services.FeedbackError as exc:
            return _refused(request, str(exc))
        return redirect("feedback:family_thanks")
    context = {"form": form, "hub": invitation.hub, "invitation": invitation}
    return render(request, "feedback/family_form.html", context)


@login_not_required
def family_thanks(request):
    return render(request, "feedback/family_thanks.html")


def _hub_choice(request, hubs):
    try:
        hub_id = int(request.GET.get("hub") or 0)
    except ValueError:
        hub_id = 0
    return hub_id if any(h.pk == hub_id for h in hubs) else None


@requires("feedback.view")
def overview(request):
    """Figures for the last twelve months, the answers (approved comments only), newest first."""
    hubs = list(queries.feedback_hubs(request.user))
    hub_id = _hub_choice(request, hubs)
    today = timezone.localdate()
    since = today - datetime.timedelta(days=365)
    figures = experience_measures([hub_id] if hub_id else [h.pk for h in hubs], since, today)
    page = Paginator(queries.responses(request.user, hub_id=hub_id), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "hubs": hubs,
        "hub_id": hub_id,
        "figures": figures,
        "since": since,
        "page": page,
        "can_moderate": access.can(request.user, "feedback.moderate"),
    }
    return render(request, "feedback/overview.html", context)


@requires("feedback.moderate")
def comments(request):
    """Family comments waiting for a coordinator, who approves each before anyone sees it."""
    page = Paginator(queries.pending_comments(request.user), 50).get_page(request.GET.get("page"))
    # A family's words may name their child, but belong to no child's record: the look at
    # each hub's comments is recorded, with no child to name.
    audit.record_list(
        request, action="feedback.comments.view", shown=[(r.hub_id, None) for r in page]
    )
    return render(request, "feedback/comments.html", {"page": page})


@require_POST
def comment_moderate(request, pk):
    response = get_object_or_404(queries.moderatable(request.user), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.moderate_comment(response=response, approve=approve, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "Comment approved: it now shows." if approve else "Comment kept hidden."
        )
    return redirect("feedback:comments")


@requires("feedback.view")
def meetings(request):
    """Finished MDT meetings with attendance and attendees' ratings."""
    hubs = list(queries.feedback_hubs(request.user))
    hub_id = _hub_choice(request, hubs)
    page = Paginator(queries.rated_meetings(request.user, hub_id=hub_id), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "feedback/meetings.html", {"hubs": hubs, "hub_id": hub_id, "page": page})


def meeting_rate(request, pk):
    """An attendee rates a finished MDT meeting, once."""
    from mdt.queries import meetings_visible_to

    meeting = get_object_or_404(meetings_visible_to(request.user).select_related("hub"), pk=pk)
    mine = queries.my_rating(request.user, meeting)
    may_rate = mine is None and access.may_rate(request.user, meeting)
    form = MeetingFeedbackForm(request.POST or None) if may_rate else None
    if request.method == "POST":
        if form is None:
            messages.error(
                request,
                "You have already rated this meeting. Thank you."
                if mine
                else "Only people recorded as attending a finished meeting can rate it.",
            )
            return redirect("feedback:meeting_rate", pk=meeting.pk)
        if form.is_valid():
            try:
                services.rate_meeting(meeting=meeting, **form.cleaned_data, by=request.user)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Thank you: your rating is saved.")
                return redirect("mdt:meeting", pk=meeting.pk)
    context = {"meeting": meeting, "mine": mine, "form": form}
    return render(request, "feedback/meeting_rate.html", context)
