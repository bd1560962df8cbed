"""Putting a case forward: find the child (within the person's scope), then the case form with
the meeting to take it to."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cc4c import formatting
from cc4c.errors import ServiceError
from cc4c.submissions import AlreadySubmitted
from hubs import audit
from hubs.access import can, has_role, requires
from hubs.models import Role
from mdt import queries, services
from mdt.forms import ChildSearchForm, PutForwardForm
from mdt.scheduling import next_new_meeting_at
from mdt.views.common import case_url, form_error, posted

RESULTS = 20


def _meeting_asked(request):
    """The meeting named in ``?meeting=`` (a coordinator adding a case to it), if visible."""
    pk = request.GET.get("meeting", "")
    if not pk.isdigit():
        return None
    return queries.meetings_visible_to(request.user).filter(pk=int(pk)).first()


@requires("mdt.add_case")
def put_forward(request):
    """Find the child by NHS number or name, among the children the person may put forward."""
    form = ChildSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        found = queries.put_forward_children(request.user).search(form.cleaned_data["q"])
        results = list(found.select_related("practice").order_by("family_name", "pk")[:RESULTS])
        for child in results:
            audit.record(
                request,
                action="mdt.put_forward.search",
                hub=child.practice.hub_id,
                child_id=child.pk,
            )
    meeting = _meeting_asked(request)
    return render(
        request,
        "mdt/put_forward_search.html",
        {
            "form": form,
            "results": results,
            "meeting": meeting,
            # An MDT member finds only the children of agendas they are invited to.
            "invited_only": has_role(request.user, Role.MDT_MEMBER)
            and not has_role(request.user, Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR),
        },
    )


def put_forward_child(request, child_pk):
    """The case form: the question, background, consent, the referrer's role (remembered) and
    the meeting (the next with room unless another is chosen)."""
    child = get_object_or_404(
        queries.put_forward_children(request.user).select_related("practice", "practice__hub"),
        pk=child_pk,
    )
    hub = child.practice.hub
    audit.record(request, action="mdt.put_forward.view", hub=hub, child_id=child.pk)
    meetings = list(queries.meetings_with_room(hub, request.user).select_related("hub"))
    sees_whole_hub = can(request.user, "mdt.view_hub", hub)
    new_meeting_at = None if meetings or not sees_whole_hub else next_new_meeting_at(hub)
    asked = _meeting_asked(request)
    initial = {"referrer_role": services.remembered_referrer_role(request.user)}
    if meetings:
        initial["meeting"] = next(
            (m.pk for m in meetings if asked is not None and m.pk == asked.pk), meetings[0].pk
        )
    form = PutForwardForm(
        posted(request),
        meetings=meetings,
        choosable=queries.meetings_taking_cases(hub, request.user),
        new_meeting_at=new_meeting_at,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            c = services.put_forward(by=request.user, child=child, **form.cleaned_data)
        except ServiceError as error:
            form_error(form, error)
        except AlreadySubmitted as sent:
            # The same form sent twice (a double click, a retry): the case the first one made.
            if sent.record is None:
                messages.info(request, "This form has already been sent.")
                return redirect("mdt:my_cases")
            messages.info(request, "This case was already put forward: here it is.")
            return redirect(case_url(sent.record))
        else:
            messages.success(
                request,
                "Case put forward to the MDT meeting on "
                f"{formatting.weekday_when(c.meeting.starts_at)}.",
            )
            return redirect(case_url(c))
    return render(
        request,
        "mdt/put_forward.html",
        {
            "child": child,
            "form": form,
            "new_meeting_at": new_meeting_at,
            "no_invited_meeting": not meetings and not sees_whole_hub,
            "search_url": reverse("mdt:put_forward"),
        },
    )
