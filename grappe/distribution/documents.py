"""A distribution's printed documents: one code path for the download view and the job queue
(jobs.prepare_documents), so that a document prepared by the worker lands in the shared PDF cache
(grappe/core/pdf.py) under the key the view looks up, and the download is then served at once."""

from grappe.core.pdf import render_pdf_bytes

from . import queries

DOCUMENTS = {"emargement": "sign_sheet", "paniers": "baskets", "service": "serving", "etiquettes": "labels"}


# standard A4 label sheets (Avery 3474 and the like): 3 columns x 8 rows of 70 x 37 mm, no margin
LABEL_COLUMNS, LABEL_ROWS, LABEL_WIDTH_MM, LABEL_HEIGHT_MM = 3, 8, 70, 37
LABEL_TOP_MM = (297 - LABEL_ROWS * LABEL_HEIGHT_MM) / 2  # the sheet's half millimetre above and below


def label_pages(sheets: list) -> list[list[tuple[object, float, float]]]:
    """The labels page by page, each with its place on the A4 sheet: (sheet, left mm, top mm). Every
    label is placed absolutely from the page's corner, so nothing drifts down the page."""
    per_page = LABEL_COLUMNS * LABEL_ROWS
    pages = []
    for start in range(0, len(sheets), per_page):
        page = []
        for index, sheet in enumerate(sheets[start:start + per_page]):
            row, column = divmod(index, LABEL_COLUMNS)
            page.append((sheet, column * LABEL_WIDTH_MM, LABEL_TOP_MM + row * LABEL_HEIGHT_MM))
        pages.append(page)
    return pages


def document_context(distribution, kind) -> dict:
    context = {"distribution": distribution, "association": distribution.association}
    if kind in ("emargement", "paniers", "etiquettes"):
        context["sheets"] = queries.basket_sheets(distribution)
    if kind == "etiquettes":
        context["label_pages"] = label_pages(context["sheets"])
    if kind == "service":
        context["products"] = queries.serving_lists(distribution)
    return context


def document_pdf(distribution, kind) -> bytes:
    """The PDF of one document in the active language, cached by content. Rendered without the request
    (the templates link to nothing, so no base URL), as the worker does (in the language of whoever asked
    for the job): the view and the worker thus compute the same key."""
    return render_pdf_bytes(f"distribution/pdf/{DOCUMENTS[kind]}.html", document_context(distribution, kind),
                            cached=True)
