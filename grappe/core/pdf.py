"""Printed documents: a Django template rendered to PDF by WeasyPrint.

Every printable document (slips, order forms, sign sheets, route sheets, reports) extends
`core/print_base.html`, which sets large type and A4 margins.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf_bytes(template_name: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML  # imported late: it is slow to import and only printing needs it

    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(template_name: str, context: dict, filename: str, request=None) -> HttpResponse:
    response = HttpResponse(render_pdf_bytes(template_name, context, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
