"""Learning library and CPD pages: thin views over learning.queries, .cpd and .services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cc4c.errors import ServiceError
from hubs import access
from hubs.access import can, hubs_for, requires
from learning import cpd, queries, services
from learning.forms import (
    LearningPointForm,
    LibrarySearchForm,
    PeriodForm,
    ReviewForm,
    TeachingForm,
)
from mdt.queries import meetings_visible_to

PAGE_SIZE = 50


def _meeting(request, pk):
    return get_object_or_404(
        meetings_visible_to(request.user).select_related("hub", "chair"), pk=pk
    )


def _save_or_show(form, call):
    """Run a service call; a refusal becomes an error on the form field it names."""
    try:
        return call()
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return None


# --- the library -----------------------------------------------------------------------------


@requires("learning.view")
def library(request):
    """Every hub's published learning points, searchable by words, topic, segment and date."""
    form = LibrarySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    points = queries.library(
        q=filters.get("q", ""),
        topic=filters.get("topic", ""),
        segment=filters.get("segment"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        sort=filters.get("sort") or "newest",
    )
    return render(
        request,
        "learning/library.html",
        {
            "form": form,
            "page": Paginator(points, PAGE_SIZE).get_page(request.GET.get("page")),
            "searched": any(filters.get(k) for k in ("q", "topic", "segment", "date_from")),
            "awaiting": list(queries.awaiting_review_by(request.user)[:PAGE_SIZE]),
        },
    )


# --- recording and reviewing at a meeting ----------------------------------------------------


def meeting(request, pk):
    """A meeting's learning points, and the form to record one."""
    mtg = _meeting(request, pk)
    may_record = mtg.status in services.RECORDING_STATUSES
    form = LearningPointForm(request.POST or None) if may_record else None
    if request.method == "POST":
        if form is None:
            raise Http404("Learning points are recorded once the meeting has started.")
        if form.is_valid():
            point = _save_or_show(
                form,
                lambda: services.record_point(meeting=mtg, by=request.user, **form.cleaned_data),
            )
            if point is not None:
                if point.status == "published":
                    messages.success(request, "Learning point published to the library.")
                else:
                    messages.success(
                        request,
                        "Learning point recorded. The chair approves it before it is "
                        "published to the library.",
                    )
                return redirect("learning:meeting", pk=mtg.pk)
    return render(
        request,
        "learning/meeting.html",
        {
            "meeting": mtg,
            "points": queries.meeting_points(mtg),
            "form": form,
            "is_chair": access.may_chair(request.user, mtg),
        },
        status=400 if form is not None and form.errors else 200,
    )


def review(request, pk):
    """The chair publishes a waiting learning point, corrected if need be, or declines it."""
    point = get_object_or_404(
        queries.points_visible_to(request.user).select_related("meeting", "meeting__hub"), pk=pk
    )
    if not access.may_chair(request.user, point.meeting):
        raise Http404("No such learning point.")
    if point.status != "awaiting":
        messages.info(request, "This learning point has already been reviewed.")
        return redirect("learning:meeting", pk=point.meeting_id)
    form = ReviewForm(request.POST or None, instance=point)
    publish = "decline" not in request.POST
    if request.method == "POST" and (form.is_valid() or not publish):
        data = form.cleaned_data
        done = _save_or_show(
            form,
            lambda: services.review_point(
                point=point,
                publish=publish,
                by=request.user,
                title=data.get("title", point.title),
                topic=data.get("topic", point.topic),
                segment=data.get("segment", point.segment),
                text=data.get("text", point.text),
                reason=data.get("reason", ""),
            ),
        )
        if done is not None:
            messages.success(
                request,
                "Learning point published to the library." if publish else "Not published.",
            )
            return redirect("learning:meeting", pk=point.meeting_id)
    return render(
        request,
        "learning/review.html",
        {"point": point, "meeting": point.meeting, "form": form},
        status=400 if form.errors else 200,
    )


# --- the CPD record --------------------------------------------------------------------------


def _period(request):
    start, end = PeriodForm.default_period()
    form = PeriodForm(request.GET or None, initial={"date_from": start, "date_to": end})
    return form, form.period()


def cpd_record(request):
    """The person's own MDT attendances, clinic sessions and teaching, with hours."""
    if not access.may_keep_record(request.user):
        raise Http404("Not available.")
    form, (date_from, date_to) = _period(request)
    return render(
        request,
        "learning/cpd.html",
        {
            "form": form,
            "record": cpd.record(request.user, date_from, date_to),
            "can_add_teaching": can(request.user, "learning.view"),
            "query": f"date_from={date_from.isoformat()}&date_to={date_to.isoformat()}",
        },
    )


def certificate(request):
    """The CPD record as a PDF certificate for appraisal."""
    if not access.may_keep_record(request.user):
        raise Http404("Not available.")
    _form, (date_from, date_to) = _period(request)
    pdf = cpd.certificate_pdf(request.user, cpd.record(request.user, date_from, date_to))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="cpd-certificate-{date_from.isoformat()}-{date_to.isoformat()}.pdf"'
    )
    return response


@requires("learning.view")
def teaching_add(request):
    form = TeachingForm(request.POST or None, hubs=hubs_for(request.user, "learning.view"))
    if request.method == "POST" and form.is_valid():
        saved = _save_or_show(
            form, lambda: services.add_teaching(by=request.user, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, "Teaching added to your CPD record.")
            return redirect("learning:cpd")
    return render(
        request,
        "learning/teaching_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def teaching_delete(request, pk):
    session = get_object_or_404(queries.own_teaching(request.user), pk=pk)
    services.delete_teaching(session=session, by=request.user)
    messages.success(request, "Teaching removed from your CPD record.")
    return redirect("learning:cpd")
