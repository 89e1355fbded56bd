"""Charts as SVG with matplotlib, readable without colour: black and white, hatching, values written
on the bars. One function per chart; each returns the SVG text (for pages and PDFs alike).

Figures are made with matplotlib's object API (`Figure()`), never pyplot: pyplot keeps every figure
in a process-wide registry until it is closed and picks a GUI backend, which a web process must not
depend on. Each request's figure is its own object, freed with it.
"""

import io
from decimal import Decimal

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from grappe.core.money import french_number

HATCHES = ["///", "...", "xxx", "\\\\\\", "ooo", "---", "+++"]
# matplotlib reads these when it draws and saves; set once here, when the module is imported, and never
# changed afterwards (rc_context around each chart would swap them under another thread's drawing).
matplotlib.rcParams.update({"font.family": "DejaVu Sans", "font.size": 10, "hatch.linewidth": 0.8,
                            "svg.fonttype": "none", "axes.spines.top": False, "axes.spines.right": False})


def _axes(width: float, height: float):
    """A new figure of that size (inches) and its one pair of axes."""
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _number(value) -> str:
    """1234.4 -> "1 234", 12.25 -> "12,3" (one decimal below 100, none from 100 on)."""
    number = Decimal(str(value))
    return french_number(number, 0 if abs(number) >= 100 else 1, grouped=True, trim=True)


def _tick(value, _position=None) -> str:
    """An axis tick in French: 2.5 -> "2,5", 1500 -> "1 500" (at most two decimals, none trailing)."""
    return french_number(Decimal(str(round(value, 2))), 2, grouped=True, trim=True)


FRENCH_TICKS = FuncFormatter(_tick)


def bars(labels: list[str], values: list, *, title: str, unit: str = "", horizontal: bool = False) -> str:
    """One series: white bars with a black hatched outline and the value written at the end."""
    height = max(2.0, 0.3 * len(labels) + 0.8) if horizontal else 3.0
    fig, ax = _axes(7, height)
    numbers = [float(v) for v in values]
    if horizontal:
        drawn = ax.barh(labels[::-1], numbers[::-1], color="white", edgecolor="black", hatch=HATCHES[0])
    else:
        drawn = ax.bar(labels, numbers, color="white", edgecolor="black", hatch=HATCHES[0])
        if len(labels) > 8:
            ax.tick_params(axis="x", labelrotation=60, labelsize=8)
    ax.bar_label(drawn, labels=[_number(v) + (f" {unit}" if unit else "") for v in
                                (numbers[::-1] if horizontal else numbers)], padding=3, fontsize=9)
    (ax.xaxis if horizontal else ax.yaxis).set_major_formatter(FRENCH_TICKS)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.margins(x=0.15) if horizontal else ax.margins(y=0.15)
    return _svg(fig)


def grouped(labels: list[str], series: dict[str, list], *, title: str) -> str:
    """Several series side by side, each with its own hatching, and a legend."""
    fig, ax = _axes(7, max(2.4, 0.6 * len(labels) + 1.2))
    count = len(series)
    width = 0.8 / max(count, 1)
    positions = range(len(labels))
    for index, (name, values) in enumerate(series.items()):
        ys = [p + index * width - 0.4 + width / 2 for p in positions]
        drawn = ax.barh(ys, [float(v) for v in values], height=width, color="white", edgecolor="black",
                        hatch=HATCHES[index % len(HATCHES)], label=name)
        ax.bar_label(drawn, labels=[_number(float(v)) for v in values], padding=3, fontsize=9)
    ax.set_yticks(list(positions), labels)
    ax.xaxis.set_major_formatter(FRENCH_TICKS)
    ax.invert_yaxis()
    ax.legend(loc="lower right", frameon=True)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.margins(x=0.15)
    return _svg(fig)


def share_with_threshold(share, threshold, *, title: str, label_share: str, label_threshold: str) -> str:
    """The share of priority households as one bar against the threshold line, both written out."""
    fig, ax = _axes(7, 1.6)
    value = float(share or 0)
    ax.barh([0], [100], color="white", edgecolor="black")
    ax.barh([0], [value], color="white", edgecolor="black", hatch=HATCHES[0])
    ax.axvline(float(threshold), color="black", linewidth=2.5, linestyle="--")
    ax.text(value, 0.5, f"{label_share} {_number(value)} %", ha="center", va="bottom", fontsize=9)
    ax.text(float(threshold), -0.55, f"{label_threshold} {_number(float(threshold))} %", ha="center", va="top",
            fontsize=9)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(FRENCH_TICKS)
    ax.set_ylim(-1, 1.2)
    ax.set_yticks([])
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return _svg(fig)
