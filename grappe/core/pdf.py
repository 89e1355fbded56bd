"""Printed documents: a Django template rendered to PDF by WeasyPrint.

Every printable document (slips, order forms, sign sheets, route sheets, reports) extends
`core/print_base.html`, which sets large type and A4 margins.

WeasyPrint costs roughly a millisecond per line of text (more for tables, floats and inline blocks),
so documents printed again and again with the same content (the lists of a distribution) can be
cached: `cached=True` keys the PDF by a hash of the HTML it is made from. Any change that shows on
the page (a basket prepared again, a weighed quantity) changes the HTML and so the key: there is
nothing to invalidate by hand, and a stale document cannot be served. Only the template rendering
(a few queries and about a tenth of a second for 100 households) is paid again on a hit.

The cache is Django's `caches["default"]`, which settings make shared by every worker and app
server (a database table), not a per-process memory: a sheet rendered by one worker is served by all.
"""

import gc
import hashlib

from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string

CACHE_SECONDS = 24 * 3600


def render_pdf_bytes(template_name: str, context: dict, request=None, *, cached: bool = False,
                     variant: str | None = None) -> bytes:
    """`variant`: WeasyPrint's pdf_variant, e.g. "pdf/a-3b" for an invoice made Factur-X."""
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    if variant:
        return html_to_pdf(html, base_url, variant=variant)
    if not cached:
        return html_to_pdf(html, base_url)
    key = "pdf:" + hashlib.sha256(f"{base_url}\n{html}".encode()).hexdigest()
    shared = caches["default"]
    pdf = shared.get(key)
    if pdf is None:
        pdf = html_to_pdf(html, base_url)
        shared.set(key, pdf, CACHE_SECONDS)
    return pdf


def html_to_pdf(html: str, base_url: str | None = None, *, variant: str | None = None) -> bytes:
    """WeasyPrint with the cyclic garbage collector paused: a render allocates hundreds of thousands of
    objects, which triggers full collections that walk every object of the Django process as well
    (a quarter to a third of the time of a 20-page list; about 7 MB more at the peak without them)."""
    from weasyprint import HTML  # imported late: it is slow to import and only printing needs it

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return HTML(string=html, base_url=base_url).write_pdf(**({"pdf_variant": variant} if variant else {}))
    finally:
        if was_enabled:  # only whoever paused it resumes it, so concurrent renders never leave it off
            gc.enable()


def pdf_response(template_name: str, context: dict, filename: str, request=None, *,
                 cached: bool = False) -> HttpResponse:
    response = HttpResponse(render_pdf_bytes(template_name, context, request, cached=cached),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
