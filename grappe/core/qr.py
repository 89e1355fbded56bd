"""QR codes as inline SVG markup, for pages and printed slips alike (WeasyPrint draws inline SVG).

Drawn from qrcode's module matrix (the library the two-step sign-in already uses): one path of
horizontal runs on a white square, so no image library and a few kilobytes for a URL. Pure: the
caller marks the markup safe.
"""

from html import escape

import qrcode  # type: ignore[import-untyped]  # no type information (types-qrcode is not installed)
import qrcode.constants  # type: ignore[import-untyped]

QUIET_ZONE = 4  # modules of white around the code, as the standard asks, so phones read it off any paper


def svg(text: str, *, label: str, pixels: int = 200) -> str:
    """The QR code of `text` (error correction M: a slip folded or stained still reads) as an `<svg>`
    element with the accessible name `label`, `pixels` wide on screen (print styles may size the
    class "qr" in millimetres)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h{start - x}z")
    name = escape(label, quote=True)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" width="{pixels}" height="{pixels}" '
            f'viewBox="0 0 {size} {size}" role="img" '
            f'aria-label="{name}" shape-rendering="crispEdges"><title>{name}</title>'
            f'<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>')
