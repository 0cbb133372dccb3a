"""The process map of a procedure: steps as nodes, hand-overs as edges, as SVG or PNG.

Drawn with matplotlib's Agg backend (no display); SVG keeps the text as text
(`svg.fonttype = none`) so Vietnamese renders with the browser's fonts and stays
searchable. Forward moves are drawn above the row of steps, moves back (rework,
"đùn đẩy") below in red; each edge is labelled "count · median working days".
"""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from cchc.reforms.mining import ProcedureMining


def _fmt(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def process_map(result: ProcedureMining, *, title: str = "", fmt: str = "svg") -> bytes:
    """The map as SVG (default) or PNG bytes, for the browser and for documents."""
    if fmt not in ("svg", "png"):
        raise ValueError("fmt must be svg or png")
    orders = sorted(
        set(result.step_names) | {e.source for e in result.edges} | {e.target for e in result.edges}
    )
    x = {order: i * 3.0 for i, order in enumerate(orders)}
    width = max(6.0, 3.0 * len(orders) + 1)
    stats = {s.order: s for s in result.steps}
    with plt.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 8}):
        fig, ax = plt.subplots(figsize=(width, 4.2))
        ax.set_xlim(-1.6, (len(orders) - 1) * 3.0 + 1.6 if orders else 1.6)
        ax.set_ylim(-2.2, 2.2)
        ax.axis("off")
        if title:
            ax.set_title(title, fontsize=10)
        for order in orders:
            name = result.step_names.get(order, f"Bước {order}")
            label = f"{order}. " + "\n".join(textwrap.wrap(name, 24)[:3])
            s = stats.get(order)
            if s is not None:
                label += f"\nđịnh mức {_fmt(s.quota)} · trung vị {_fmt(s.times.median)}"
            late = s is not None and s.times.median > s.quota
            ax.add_patch(
                FancyBboxPatch(
                    (x[order] - 1.2, -0.55),
                    2.4,
                    1.1,
                    boxstyle="round,pad=0.05",
                    facecolor="#fde2e1" if late else "#e6f0fa",
                    edgecolor="#b42318" if late else "#1d4f91",
                )
            )
            ax.text(x[order], 0, label, ha="center", va="center", fontsize=7)
        for e in result.edges:
            label = f"{e.count} · {_fmt(e.median_days)} ngày"
            if e.source == e.target:
                ax.annotate(
                    f"chuyển đơn vị khác: {label}",
                    (x[e.source], -0.6),
                    (x[e.source], -1.9),
                    ha="center",
                    color="#b42318",
                    fontsize=7,
                    arrowprops={"arrowstyle": "->", "color": "#b42318"},
                )
                continue
            back = e.rework
            start = (x[e.source], -0.6 if back else 0.6)
            end = (x[e.target], -0.6 if back else 0.6)
            adjacent = abs(orders.index(e.target) - orders.index(e.source)) == 1 and not back
            if adjacent:
                start, end = (x[e.source] + 1.25, 0), (x[e.target] - 1.25, 0)
            # arc3 bends to the left of the direction of travel for a negative rad: above
            # for forward moves (left to right), below for moves back (right to left).
            rad = 0 if adjacent else -0.35
            color = "#b42318" if back else "#1d4f91"
            ax.add_patch(
                FancyArrowPatch(
                    start,
                    end,
                    connectionstyle=f"arc3,rad={rad}",
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color=color,
                    linewidth=0.6 + min(e.count, 50) / 25,
                )
            )
            mx = (start[0] + end[0]) / 2
            my = 0.75 if adjacent else (-1.45 if back else 1.45)
            ax.text(mx, my, label, ha="center", va="center", fontsize=7, color=color)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, bbox_inches="tight", dpi=150 if fmt == "png" else 72)
        plt.close(fig)
    return buffer.getvalue()
