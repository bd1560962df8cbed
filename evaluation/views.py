from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cc4c import formatting
from evaluation import render as outputs
from evaluation import spc
from evaluation.forms import BuildReportForm
from evaluation.models import ReportStatus
from evaluation.queries import reports_for
from evaluation.services import request_report
from hubs import audit
from hubs.access import requires

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "spc.csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@requires("report.view")
def report_list(request):
    form = BuildReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        report = request_report(
            hubs=form.cleaned_data["hubs"],
            period=form.cleaned_data["period"],
            suppressed=form.cleaned_data["suppressed"],
            by=request.user,
        )
        messages.success(request, "The report is being built. This page shows when it is ready.")
        return redirect("evaluation:detail", pk=report.pk)
    page = Paginator(reports_for(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/report_list.html",
        {"form": form, "page": page, "download_formats": ["csv", "xlsx", "pdf"]},
    )


def report_detail(request, pk):
    report = get_object_or_404(reports_for(request.user), pk=pk)
    suppressed = report.suppressed_for(request.user)
    context = {"report": report, "suppressed": suppressed}
    if report.status == ReportStatus.DONE:
        context.update(outputs.context(report.result, suppressed))
        context["has_spc"] = bool(spc.charts(report.result, suppressed))
    return render(request, "evaluation/report_detail.html", context)


def report_download(request, pk, fmt):
    report = get_object_or_404(reports_for(request.user), pk=pk)
    if fmt not in CONTENT_TYPES:
        raise Http404("No such format.")
    if report.status != ReportStatus.DONE:
        raise Http404("The report is not ready.")
    suppressed = report.suppressed_for(request.user)
    if fmt == "csv":
        body = outputs.to_csv(report.result, suppressed)
    elif fmt == "spc.csv":
        body = spc.to_csv(report.result, suppressed)
    elif fmt == "xlsx":
        body = outputs.to_xlsx(report.result, suppressed)
    else:
        body = outputs.to_pdf(report.result, suppressed, title=_title(report))
    if not suppressed:
        audit.record(request, action="report.export_unsuppressed", obj=report)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    kind = "evaluation-spc" if fmt == "spc.csv" else "evaluation"
    name = f"{kind}-{report.period_from}-{report.period_to}-{report.pk}.{fmt.split('.')[-1]}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _title(report):
    hubs = ", ".join(hub.name for hub in report.hubs.all())
    period = f"{formatting.day(report.period_from)} to {formatting.day(report.period_to)}"
    return f"Evaluation report: {hubs}, {period}"
