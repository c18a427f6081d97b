"""Draws the trend report: matplotlib figures as PNGs inside one self-contained HTML page.

The page must open from an email attachment or a USB stick years later, so nothing is
linked: CSS is inline and every chart is a base64 data URI. Figures are made with the
object API (no pyplot), so no global state and no display are involved.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import CATEGORIES, category_label
from .trends import MAX_PENDING_SHARE, MIN_FOR_RATE, OTHER_CAUSES, Summary, TrendFigures, ack_bands

# One colour per category, everywhere (colour-blind-friendly base: Okabe-Ito, then Tableau).
CATEGORY_COLOURS = dict(zip(CATEGORIES, (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
    "#CC79A7", "#8C564B", "#B2182B", "#17BECF", "#7F7F7F", "#C7C7C7",
)))
MET, MISSED, PENDING, OTHER = "#2E7D32", "#C62828", "#B0BEC5", "#B0B0B0"
DPI = 100
_RC = {"font.size": 12, "axes.titlesize": 15, "axes.titleweight": "bold", "axes.labelsize": 12,
       "xtick.labelsize": 10.5, "ytick.labelsize": 11, "legend.fontsize": 10.5}


def _figure(width: float = 12.5, height: float = 5.2,
            cols: int = 1) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, cols, squeeze=False)[0]
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
    return fig, list(axes)


def _png(fig: Figure) -> str:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _empty(ax: Axes, message: str = "No data in this period") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=14, color="#555",
            transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _month_ticks(ax: Axes, months: Sequence[str]) -> None:
    step = max(1, len(months) // 18)
    ax.set_xticks(range(0, len(months), step))
    ax.set_xticklabels(months[::step], rotation=45, ha="right")


def categories_chart(t: TrendFigures) -> str:
    """Complaints per month stacked by category: what people complain about, and whether it is
    changing."""
    fig, (ax,) = _figure(height=5.6)
    x = range(len(t.months))
    bottom = [0] * len(t.months)
    for category, counts in t.by_category:
        if not any(counts):
            continue
        ax.bar(x, counts, bottom=bottom, color=CATEGORY_COLOURS.get(category, "#999"),
               label=category_label(category), width=0.8, edgecolor="white", linewidth=0.5)
        bottom = [b + c for b, c in zip(bottom, counts)]
    if not any(bottom):
        _empty(ax)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="Category")
        _month_ticks(ax, t.months)
    ax.set(title="Complaints received per month, by category", xlabel="Month received",
           ylabel="Complaints")
    return _png(fig)


def _boxes(ax: Axes, data: Sequence[Sequence[float]], months: Sequence[str], colour: str) -> None:
    spots = [i for i, d in enumerate(data) if d]
    if not spots:
        _empty(ax)
        return
    parts = ax.boxplot([data[i] for i in spots], positions=spots, widths=0.6, showfliers=False,
                       patch_artist=True, medianprops={
                           "color": "black",
                           "linewidth": 2
                       })
    for box in parts["boxes"]:
        box.set(facecolor=colour, alpha=0.75)
    ax.set_xlim(-0.7, len(months) - 0.3)
    _month_ticks(ax, months)


ACK_COLOURS = ("#1B7837", "#7FBF7B", "#E6C229", "#C62828", "#9E9E9E")


def _ack_shares(ax: Axes, t: TrendFigures) -> None:
    bands = ack_bands(t)
    totals = [sum(v[i] for _, v in bands) for i in range(len(t.months))]
    if not any(totals):
        _empty(ax)
        return
    bottom = [0.0] * len(t.months)
    for (band, counts), colour in zip(bands, ACK_COLOURS):
        share = [100 * c / n if n else 0 for c, n in zip(counts, totals)]
        ax.bar(range(len(t.months)), share, bottom=bottom, color=colour, label=band.capitalize(),
               width=0.8)
        bottom = [b + v for b, v in zip(bottom, share)]
    ax.set_ylim(0, 100)
    _month_ticks(ax, t.months)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3, frameon=False)


def times_chart(t: TrendFigures, ack_target: int | None, regulator_days: int | None) -> str:
    """How fast complaints were acknowledged and answered, against the firm's targets and the
    regulator's."""
    fig, (left, right) = _figure(height=6.2, cols=2)
    _ack_shares(left, t)
    target = f" (target: {ack_target} working days)" if ack_target else ""
    left.set(title="Time to acknowledge" + target, xlabel="Month received",
             ylabel="% of complaints received")
    _boxes(right, t.response_days, t.months, "#E69F00")
    right.set(title="Time to final response", xlabel="Month received", ylabel="Calendar days")
    if regulator_days and right.has_data():
        right.axhline(regulator_days, color=MISSED, linestyle="--", linewidth=1.5,
                      label=f"Ombudsman deadline: {regulator_days} days")
        right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), frameon=False)
    return _png(fig)


def deadlines_chart(t: TrendFigures) -> str:
    """Each deadline met, missed or still running: the figures a regulator asks about first."""
    fig, (left, right) = _figure(height=5.6, cols=2)
    if not t.deadlines:
        _empty(left)
        _empty(right)
        return _png(fig)
    names = [d.name.capitalize() for d in t.deadlines]
    y = range(len(names))
    met = [d.met for d in t.deadlines]
    missed = [d.missed for d in t.deadlines]
    pending = [d.pending for d in t.deadlines]
    left.barh(y, met, color=MET, label="Met")
    left.barh(y, missed, left=met, color=MISSED, label="Missed")
    left.barh(y, pending, left=[a + b for a, b in zip(met, missed)], color=PENDING,
              label="Not yet due")
    for i, d in enumerate(t.deadlines):
        if d.decided:
            left.text(d.met + d.missed + d.pending, i, f"  {100 * d.met / d.decided:.0f}% met",
                      va="center")
    left.set_yticks(list(y), names)
    left.invert_yaxis()
    left.grid(axis="y", visible=False)
    left.grid(axis="x", alpha=0.3)
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False)
    left.set(title="Deadlines met and missed", xlabel="Complaints")
    left.margins(x=0.18)
    for d, style in zip(t.deadlines, ("-", "--", ":")):
        right.plot(range(len(t.months)),
                   [r if r is not None else float("nan") for r in d.met_rate_by_month], style,
                   marker="o", markersize=4, linewidth=2, label=d.name.capitalize())
    right.set_ylim(0, 105)
    _month_ticks(right, t.months)
    right.legend(loc="lower left", frameon=True)
    right.set(title="Share of deadlines met, by month received", xlabel="Month received",
              ylabel="% met")
    return _png(fig)


def _hbars(ax: Axes, items: Sequence[tuple[str, int]], colour: str, xlabel: str) -> None:
    if not items:
        _empty(ax)
        return
    labels = [label if len(label) <= 45 else label[:42] + "..." for label, _ in items]
    values = [n for _, n in items]
    colours = [OTHER if label == OTHER_CAUSES else colour for label, _ in items]
    ax.barh(range(len(items)), values, color=colours)
    ax.set_yticks(range(len(items)), labels)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", alpha=0.3)
    for i, n in enumerate(values):
        ax.text(n, i, f" {n}", va="center", fontsize=10.5)
    ax.margins(x=0.08)
    ax.set_xlabel(xlabel)


def root_causes_chart(t: TrendFigures) -> str:
    """The root causes handlers recorded, so the firm fixes causes rather than complaints."""
    fig, (ax,) = _figure(height=max(3.5, 0.45 * len(t.root_causes) + 1.6))
    _hbars(ax, t.root_causes, "#0072B2", "Complaints")
    note = f" ({t.root_cause_missing} with no root cause recorded)" if t.root_cause_missing else ""
    ax.set_title(f"Root causes recorded by handlers{note}")
    return _png(fig)


def repeaters_chart(t: TrendFigures) -> str:
    """Clients who complain again, anonymised: a repeat complaint is often a handling failure."""
    fig, (ax,) = _figure(width=12.5, height=max(3.5, 0.4 * len(t.top_repeaters) + 1.6))
    _hbars(ax, t.top_repeaters, "#CC79A7", "Complaints in the period")
    ax.set_title(
        f"Repeat complainants: {t.repeat_clients} of {t.clients} clients (most frequent shown, "
        "anonymised)"
    )
    return _png(fig)


def handlers_chart(t: TrendFigures) -> str:
    """Each handler's load, received and still open, so work can be rebalanced."""
    loads = t.handler_load
    fig, (ax,) = _figure(height=max(3.5, 0.5 * len(loads) + 1.6))
    if not loads:
        _empty(ax)
    else:
        y = range(len(loads))
        ax.barh([i - 0.2 for i in y], [h.received for h in loads], height=0.4, color="#009E73",
                label="Received in period")
        ax.barh([i + 0.2 for i in y], [h.open_now for h in loads], height=0.4, color="#D55E00",
                label="Still open")
        for i, h in enumerate(loads):
            ax.text(h.received, i - 0.2, f" {h.received}", va="center", fontsize=10.5)
            ax.text(h.open_now, i + 0.2, f" {h.open_now}", va="center", fontsize=10.5)
        ax.margins(x=0.08)
        ax.set_yticks(list(y), [h.label for h in loads])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(loc="lower right")
        ax.set_xlabel("Complaints")
    ax.set_title("Handler load")
    return _png(fig)


_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1a1a1a;max-width:1300px;
margin:24px auto;padding:0 24px;line-height:1.45;font-size:16px}
h1{font-size:28px;margin-bottom:4px}
h2{font-size:21px;margin:36px 0 6px;border-bottom:2px solid #e0e0e0;padding-bottom:4px}
.meta{color:#555;margin-top:0}
.summary{background:#f4f7fb;border-left:5px solid #0072B2;padding:12px 20px;margin:18px 0}
.summary li{margin:4px 0}.note{color:#555;font-size:14px;margin:4px 0 10px}
img{max-width:100%;height:auto;display:block;border:1px solid #eee}
table{border-collapse:collapse;margin:10px 0}
td,th{border:1px solid #ddd;padding:5px 12px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}
"""


def _section(title: str, note: str, png: str) -> str:
    return (f"<h2>{html.escape(title)}</h2><p class='note'>{html.escape(note)}</p>"
            f"<img alt='{html.escape(title)}' src='data:image/png;base64,{png}'>")


def _deadline_table(t: TrendFigures) -> str:
    rows = "".join(
        f"<tr><td>{d.name.capitalize()}</td><td>{d.met}</td><td>{d.missed}</td><td>{d.pending}</td>"
        f"<td>{(f'{100 * d.met / d.decided:.1f}%' if d.decided else '-')}</td></tr>"
        for d in t.deadlines)
    return (
        "<table><tr><th>Deadline</th><th>Met</th><th>Missed</th><th>Not yet due</th><th>% "
        "met</th></tr>"
        f"{rows}</table>")


def render_html(t: TrendFigures, summary: Summary, *, firm_name: str, generated: str,
                ack_target: int | None = None, regulator_days: int | None = None,
                extra_html: str = "") -> str:
    """The whole page. Text comes from structured fields and what handlers recorded (root causes,
    and in `extra_html` learning notes and corrective actions), never a client's words."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in summary.lines)
    sections = [
        _section(
            "Complaints per month by category", "By the month each complaint was received "
            "(firm's local time); each category keeps its colour throughout.",
            categories_chart(t)),
        _section(
            "Time to acknowledge and to respond",
            "Left: share of each month's complaints acknowledged "
            "within each band of working days. Right: boxes span the middle half of final "
            "responses, the "
            "black line is the median, whiskers the usual range.",
            times_chart(t, ack_target, regulator_days)),
        _section(
            "Deadlines met and missed",
            "Against the clocks of each case's policy profile; 'not yet due' "
            "cases are still inside their deadline. A month shows no percentage while fewer than "
            f"{MIN_FOR_RATE} of its deadlines are decided or more than {MAX_PENDING_SHARE:.0%} "
            "are still running.",
            deadlines_chart(t)) + _deadline_table(t),
        _section("Root causes", "As recorded by handlers when closing a complaint.",
                 root_causes_chart(t)),
        _section(
            "Repeat complainants",
            "Clients with more than one complaint received in the period. Labels "
            "are one-way hashes that change with every report: no client is named.",
            repeaters_chart(t)),
        _section(
            "Handler load",
            "Complaints received in the period by current handler, and how many are still "
            "open.", handlers_chart(t)),
    ]
    title = f"Complaints trend report: {t.period_from} to {t.period_to}"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta "
        f"charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p class='meta'>{html.escape(firm_name)} &middot; generated {html.escape(generated)}</p>"
        f"<div class='summary'><strong>Summary</strong><ul>{items}</ul></div>{''.join(sections)}"
        f"{extra_html}</body></html>")
