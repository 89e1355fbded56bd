from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.errors import REFUSED
from grappe.core.pdf import pdf_response
from grappe.network.access import ADMIN, COORDINATOR, require_scope

from . import queries, scopes, services
from .forms import FunderTextForm, PeriodForm
from .models import FunderText
from .report import build, day_label
from .xlsx import workbook_bytes


def _selection(request):
    form = PeriodForm(request.GET or None, scopes=scopes.choices(request.scope))
    if form.is_bound and not form.is_valid():
        return form, None, None, None, None
    key = (form.cleaned_data.get("scope") if form.is_bound else "") or "all"
    label, group_ids = scopes.resolve(request.scope, key)
    period = form.period()
    return form, key, label, group_ids, period


def _report(request, *, outside: bool, with_charts: bool = True):
    form, key, label, group_ids, period = _selection(request)
    if period is None:
        return form, None, None, None
    figures = queries.figures(association=request.scope.association, group_ids=group_ids, period=period)
    report = build(figures, scope_label=label, period=period, outside=outside, with_charts=with_charts)
    return form, report, key, period


def _text_for(request, key, period) -> FunderText | None:
    """The admin's context for this scope and period; none for a coordinator's "all my groups" (the
    admins' "all" is the whole association, another report)."""
    if key == "all" and not request.scope.is_admin:
        return None
    return FunderText.objects.filter(association=request.scope.association, scope_key=key, start=period.start,
                                     end=period.end).first()


@require_scope(ADMIN, COORDINATOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Figures for the team (exact counts; the funder report masks the small ones)."""
    form, report, _key, _period = _report(request, outside=False)
    return render(request, "reports/dashboard.html", {"form": form, "report": report,
                                                      "query": request.GET.urlencode()})


def _funder_page(request, *, text_form=None, status=200) -> HttpResponse:
    form, report, key, period = _report(request, outside=True)
    text = _text_for(request, key, period) if report else None
    if text_form is None:
        text_form = FunderTextForm(initial={"text": text.text if text else ""})
    return render(request, "reports/funder.html", {
        "form": form, "report": report, "text": text.text if text else "", "text_form": text_form,
        "may_write": request.scope.is_admin, "query": request.GET.urlencode(),
    }, status=status)


@require_scope(ADMIN, COORDINATOR)
def funder(request: HttpRequest) -> HttpResponse:
    """The funder report: its context (written by an association admin), then the masked figures."""
    return _funder_page(request)


@require_POST
@require_scope(ADMIN)
def funder_text(request: HttpRequest) -> HttpResponse:
    """An association admin writes the report's context (first section of the PDF)."""
    _form, key, _label, _groups, period = _selection(request)
    text_form = FunderTextForm(request.POST)
    if period is None or not text_form.is_valid():
        return _funder_page(request, text_form=text_form, status=REFUSED)
    services.save_funder_text(association=request.scope.association, scope_key=key, period=period,
                              text=text_form.cleaned_data["text"], by=request.user, now=timezone.now())
    messages.success(request, _("The text is saved. It will appear in the PDF."))
    return redirect(f"{reverse('reports:funder')}?{request.GET.urlencode()}")


@require_scope(ADMIN, COORDINATOR)
def funder_pdf(request: HttpRequest) -> HttpResponse:
    form, report, key, period = _report(request, outside=True)
    if report is None:
        return redirect("reports:funder")
    text = _text_for(request, key, period)
    return pdf_response("reports/funder_pdf.html", {
        "report": report, "association": request.scope.association, "text": text.text if text else "",
        "generated": timezone.localtime(), "generated_day": day_label(timezone.localdate()),
    }, filename=f"bilan-{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf", request=request)


@require_scope(ADMIN, COORDINATOR)
def funder_xlsx(request: HttpRequest) -> HttpResponse:
    form, report, key, period = _report(request, outside=True, with_charts=False)
    if report is None:
        return redirect("reports:funder")
    summary = (_("Indicators"), [_("Indicator"), _("Value"), _("How it is counted")],
               [(_("Scope"), report.scope_label, ""), (_("Period"), report.period_label, ""), *report.summary])
    content = workbook_bytes([summary, *[(t.sheet or t.title, t.header, t.rows, t.note) for t in report.tables]])
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="bilan-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"'
    return response
