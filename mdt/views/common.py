"""What every MDT view shares: scoped lookups that answer 404 outside the person's scope."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from hubs.access import may_chair
from mdt import queries, services

PAGE_SIZE = 50


def page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def meeting_for(request, pk):
    return get_object_or_404(
        queries.meetings_visible_to(request.user).select_related("hub", "chair"), pk=pk
    )


def case_for(request, pk):
    return get_object_or_404(
        queries.cases_visible_to(request.user).select_related(
            "meeting",
            "meeting__hub",
            "meeting__chair",
            "child",
            "child__practice",
            "put_forward_by",
        ),
        pk=pk,
    )


def require_chair(request, mtg):
    # Only the chair runs the meeting: to anyone else its controls do not exist (hubs/access.py).
    if not may_chair(request.user, mtg):
        raise Http404("No such meeting.")


def require_manage(request, mtg):
    # Only those who look after the meeting see its agenda controls; to others they do not exist.
    if not services.may_manage(request.user, mtg):
        raise Http404("No such meeting.")


def posted(request):
    """The form data of a POST (even an empty one), None for a GET: the form is bound then."""
    return request.POST if request.method == "POST" else None


def refuse(request, error, to):
    messages.error(request, str(error))
    return redirect(to)


def meeting_url(mtg):
    return reverse("mdt:meeting", args=[mtg.pk])


def case_url(case):
    return reverse("mdt:case", args=[case.pk])


def form_error(form, error):
    """A service's refusal shown on the form field it names, or at the top of the form."""
    form.add_error(error.field if error.field in form.fields else None, str(error))
