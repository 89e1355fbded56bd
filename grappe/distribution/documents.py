"""A distribution's printed documents: one code path for the download view and the job queue
(jobs.prepare_documents), so that a document prepared by the worker lands in the shared PDF cache
(grappe/core/pdf.py) under the key the view looks up, and the download is then served at once."""

from grappe.core.pdf import render_pdf_bytes

from . import queries

DOCUMENTS = {"emargement": "sign_sheet", "paniers": "baskets", "service": "serving", "etiquettes": "labels"}


def document_context(distribution, kind) -> dict:
    context = {"distribution": distribution, "association": distribution.association}
    if kind in ("emargement", "paniers", "etiquettes"):
        context["sheets"] = queries.basket_sheets(distribution)
    if kind == "service":
        context["products"] = queries.serving_lists(distribution)
    return context


def document_pdf(distribution, kind) -> bytes:
    """The PDF of one document in the active language, cached by content. Rendered without the request
    (the templates link to nothing, so no base URL), as the worker does (in the language of whoever asked
    for the job): the view and the worker thus compute the same key."""
    return render_pdf_bytes(f"distribution/pdf/{DOCUMENTS[kind]}.html", document_context(distribution, kind),
                            cached=True)
