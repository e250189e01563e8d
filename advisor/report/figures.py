"""Plots for reports, rendered off-screen to PNG with matplotlib's Agg canvas.

Every figure is a fresh :class:`matplotlib.figure.Figure` drawn on its own
:class:`~matplotlib.backends.backend_agg.FigureCanvasAgg`: no pyplot, no global
state, no display, so reports can be built in a worker thread or on a server
while a GUI runs. The plots are the GUI's curves (risk against items, value
complexity, raters and seconds per item, with the floor, the ceiling and the
target line), the capacity breakdown per context and question, the
optimiser's cost–floor frontier and, for comparisons, the curves of several
scenarios overlaid.

Readability rules applied throughout: 10-point text or larger at print size,
every axis labelled with its unit, colours from the Okabe–Ito palette (safe for
colour-blind readers) doubled by line styles, and legends placed outside the
plotting area so they never cover data.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import pickle
import textwrap
from collections.abc import Callable, Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter, NullLocator

from models.memo import RecentValues

from advisor.evaluation.breakdown_scale import breakdown_scale, wide_answer
from advisor.evaluation.results import NOT_SWEPT_TEXT, Curve, Evaluation
from advisor.planning.frontier_lines import cut_at_gaps
from advisor.report.model import Figure
from advisor.units import LN2, amount_text, counted

DPI = 150
WIDTH_IN = 6.6
LEGEND_WIDTH_SHARE = 0.97
"""Most of the figure's width a legend below the axes may take (the layout's padding takes the rest)."""

# Okabe & Ito (2008), "Color universal design".
BLUE = "#0072B2"
VERMILION = "#D55E00"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#666666"
SERIES_COLOURS = (BLUE, VERMILION, GREEN, PURPLE, ORANGE, SKY, BLACK, YELLOW)

MAX_BAR_GROUPS = 24
LABEL_SIZE = 10
TICK_SIZE = 9
LEGEND_SIZE = 9

AXIS_LABELS = {
    "items": "labelled items m (count, log scale)",
    "log2_m": "value complexity log₂ M (bits)",
    "raters": "raters per item r (count)",
    "seconds": "time per rater per item T (seconds, log scale)",
}
CURVE_TITLES = {
    "items": "Risk against the number of labelled items",
    "log2_m": "Risk against the complexity of the target",
    "raters": "Risk against raters per item",
    "seconds": "Risk against time per item",
}
CURVE_CAPTIONS = {
    "items": "Everything but the number of labelled items as in the scenario. More labels never lower the per-item "
             "floor or the achievable risk (they are properties of one item's answers); the ceiling falls with them "
             "towards the achievable risk. The value model's learning error falls with m between Fano's converse "
             "(no learner does better) and Gallager's random-coding bound (some learner does at least this well), "
             "the normal-approximation estimate between them.",
    "log2_m": "Everything but the target's complexity as in the scenario. A more complex target (more bits to pin "
              "down) raises the floor; a narrower target lowers it.",
    "raters": "Everything but the raters per item as in the scenario. More raters raise the capacity per item, with "
              "diminishing returns when their errors are correlated or the answer format is saturated.",
    "seconds": "Everything but the time per item as in the scenario (time shares held). More time raises the raters' "
               "discriminability until it saturates; below the dead time an item carries nothing.",
}
INTERVAL_READING = (
    "In each plot of risk below, the shaded band runs from the floor (no design of this capacity does better) to the "
    "achievable risk (what this design attains with a decoder that knows the raters). The target is met where the "
    "achievable risk is below the dotted line, ruled out where the floor is above it, and undecided in between."
)
"""How to read the risk plots: said once before them (each caption repeated it, and the four captions' extra
lines kept two plots from sharing a printed page)."""
RISK_LABEL = "risk (expected loss, 0 to 1)"


FIGURE_CACHE_SIZE = 128
"""Rendered figures kept by the numbers they show (about 80 KB each)."""

_figures: RecentValues[Figure] = RecentValues(FIGURE_CACHE_SIZE)


def _remembered(function: Callable[..., Figure]) -> Callable[..., Figure]:
    """Render each distinct figure once: a figure is a function of its arguments alone (the same
    numbers give byte-identical PNGs, see :func:`_to_png`), and rendering one takes 100–250 ms —
    most of a report's time — while a report of a design already reported (another format, the
    comparison of a saved design, the same scenario exported again) asks for the same figures.

    The key is a SHA-256 of the pickled arguments; arguments that cannot be pickled are rendered
    every time."""

    @functools.wraps(function)
    def render(*args, **kwargs) -> Figure:
        try:
            key = hashlib.sha256(pickle.dumps((function.__qualname__, args, sorted(kwargs.items())),
                                              protocol=pickle.HIGHEST_PROTOCOL)).digest()
        except Exception:  # noqa: BLE001 - an unpicklable argument only costs the cache
            return function(*args, **kwargs)
        found = _figures.get(key)
        if found is None:
            found = function(*args, **kwargs)
            _figures.put(key, found)
        return found

    return render


def plain(text: str) -> str:
    """User text safe for matplotlib: a ``$`` would otherwise start math mode."""
    return str(text).replace("$", r"\$")


BAR_LABEL_WIDTH = 30
"""Characters per line of a bar's name in the capacity chart (two lines at most)."""


def wrapped(text: str, width: int, *, lines: int) -> str:
    """``text`` on at most ``lines`` lines of ``width`` characters, the last cut with "…" if need be."""
    return "\n".join(textwrap.wrap(" ".join(str(text).split()), width, max_lines=lines, placeholder=" …")) or ""


def shorten(text: str, limit: int = 40) -> str:
    """Cut long names for tick labels, keeping the start readable."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _new_figure(height_in: float) -> MplFigure:
    # Styling is set per artist rather than through rcParams: rc_context
    # changes process-wide state, which a report built in a worker thread
    # must not touch.
    figure = MplFigure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _style_axes(axes) -> None:
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    axes.grid(True, alpha=0.3, linewidth=0.6)
    axes.tick_params(labelsize=TICK_SIZE)
    axes.xaxis.label.set_size(LABEL_SIZE)
    axes.yaxis.label.set_size(LABEL_SIZE)


def _legend_below(figure: MplFigure, columns: int) -> None:
    """The figure's legend below its axes, in ``columns`` columns or as many fewer as make it fit
    the figure's width: a wider legend is centred and cut at both edges (the risk curves' ten
    entries did not fit three columns)."""
    # "outside" places the legend in its own strip of the constrained layout,
    # so it can never cover a curve.
    renderer = figure.canvas.get_renderer()
    for count in range(columns, 0, -1):
        legend = figure.legend(loc="outside lower center", ncol=count, frameon=False, fontsize=LEGEND_SIZE)
        if count == 1 or legend.get_window_extent(renderer).width <= LEGEND_WIDTH_SHARE * figure.bbox.width:
            return
        legend.remove()


def _to_png(figure: MplFigure) -> tuple[bytes, int, int]:
    buffer = io.BytesIO()
    # No "Software" entry: the same data gives byte-identical images. The canvas prints the figure at
    # its own dots per inch (DPI) and colours in one draw that runs the layout first; savefig would
    # draw it once more beforehand for the layout engine (the same pixels, 5–8 % slower).
    figure.canvas.print_png(buffer, metadata={"Software": None})
    width, height = figure.canvas.get_width_height()
    return buffer.getvalue(), int(width), int(height)


def _finish(figure: MplFigure, title: str, caption: str, alt_text: str) -> Figure:
    png, width, height = _to_png(figure)
    return Figure(title=title, png=png, caption=caption, alt_text=alt_text, width_px=width, height_px=height)


def _risk_axis_limits(*series: Sequence[float], target: float) -> tuple[float, float]:
    # Risks live in [0, 1]; showing the whole range keeps plots comparable,
    # but when everything stays low a tighter axis makes the gap visible.
    # The axis starts a little below zero so that a floor of exactly zero is
    # drawn above the spine instead of hidden by it.
    highest = max([target, *(max(s) for s in series if len(s))])
    top = 1.02 if highest > 0.45 else min(1.02, max(0.05, 1.25 * highest))
    return -0.015 * top, top


def compact_number(value: float) -> str:
    """A tick label without exponents: 500, 2k, 10k, 1M, 0.5."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def _log_axis(axes, low: float, high: float) -> None:
    """A log x axis with readable labels at 1-2-5 steps (decades only when those are too many).

    Matplotlib's default labels minor ticks as ``3 × 10¹``, which collide on
    a short range; plain numbers at chosen places never do.
    """
    axes.set_xscale("log")
    exponents = range(math.floor(math.log10(max(low, 1e-12))), math.ceil(math.log10(max(high, 1e-12))) + 1)
    for mantissas in ((1, 2, 5), (1, 3), (1,)):
        ticks = [m * 10.0 ** e for e in exponents for m in mantissas if low <= m * 10.0 ** e <= high]
        if len(ticks) <= 8:
            break
    if len(ticks) < 2:
        ticks = [low, high]
    axes.xaxis.set_major_locator(FixedLocator(ticks))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: compact_number(value)))
    axes.xaxis.set_minor_locator(NullLocator())
    axes.xaxis.set_minor_formatter(NullFormatter())


def _format_x(value: float, name: str) -> str:
    if name in ("items",):
        return f"{value:,.0f}"
    if name == "raters":
        return f"{value:.0f}"
    return f"{value:g}"


@_remembered
def risk_curve_figure(curve: Curve, scenario_name: str) -> Figure:
    """Floor, ceiling and target against one design variable.

    Parameters
    ----------
    curve
        One of :attr:`advisor.evaluation.results.Evaluation.curves` (risks in [0, 1]).
    scenario_name
        Shown in the alt text.

    Returns
    -------
    Figure
        The PNG with a caption and an alt text that states the plotted values
        at the ends of the range and at the scenario's own design.
    """
    figure = _new_figure(3.7)
    axes = figure.add_subplot()
    _style_axes(axes)
    x = list(curve.x)
    achievable = list(curve.achievable) if curve.achievable else list(curve.ceiling)
    # A curve of the design's point alone (not swept) has no line: its values are markers.
    marker = None if curve.swept else "o"
    axes.fill_between(x, curve.floor, achievable, color=SKY, alpha=0.18, linewidth=0,
                      label="interval (floor to achievable)")
    axes.plot(x, achievable, color=GREEN, linewidth=2.0, marker=marker, label="achievable risk (this design)")
    axes.plot(x, curve.floor, color=VERMILION, linewidth=2.0, marker=marker, label="floor, exact Fano (lower bound)")
    axes.plot(x, curve.floor_paper, color=ORANGE, linewidth=1.4, linestyle="--", marker=marker and "x",
              label="floor, paper form")
    axes.plot(x, curve.ceiling, color=BLUE, linewidth=1.4, linestyle="-.", marker=marker and "s",
              label="ceiling (PAC-Bayes, predicted R̂)")
    series = [curve.floor, curve.ceiling, achievable]
    if curve.learning_converse:
        axes.plot(x, curve.learning_achievable, color=PURPLE, linewidth=1.6, linestyle="--",
                  label="value model: Gallager bound")
        axes.plot(x, curve.learning_estimate, color=PURPLE, linewidth=1.2, label="value model: estimate")
        axes.plot(x, curve.learning_converse, color=PURPLE, linewidth=1.6, linestyle=":",
                  label="value model: Fano converse")
        series += [curve.learning_converse, curve.learning_achievable]
    axes.axhline(curve.target, color=BLACK, linewidth=1.2, linestyle=":", label=f"target risk {curve.target:g}")
    axes.axvline(curve.current, color=GREY, linewidth=1.0, linestyle="-.",
                 label=f"this design ({_format_x(curve.current, curve.name)})")
    low, high = min(x), max(x)
    if not curve.swept:
        # One point: a range around it (half to twice on a log axis, one unit either side otherwise).
        low, high = (low / 2.0, high * 2.0) if curve.log_x else (low - 1.0, high + 1.0)
    axes.set_xlim(low, high)
    if curve.log_x:
        _log_axis(axes, low, high)
    elif curve.name == "raters":
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(*_risk_axis_limits(*series, target=curve.target))
    axes.set_xlabel(AXIS_LABELS.get(curve.name, plain(curve.x_label)))
    axes.set_ylabel(RISK_LABEL)
    _legend_below(figure, 3)
    title = CURVE_TITLES.get(curve.name, f"Risk against {curve.x_label}")
    at_current = _value_at(curve, curve.current)
    at_design = (f"At this design ({_format_x(curve.current, curve.name)}) the floor is {at_current[0]:.3f}, "
                 f"the achievable risk {at_current[2]:.3f} and the ceiling {at_current[1]:.3f}.")
    caption = CURVE_CAPTIONS.get(curve.name, "")
    if curve.swept:
        alt = (
            f"Line chart for scenario {scenario_name}: risk against {curve.x_label} from "
            f"{_format_x(x[0], curve.name)} to {_format_x(x[-1], curve.name)}. "
            f"The exact floor goes from {curve.floor[0]:.3f} to {curve.floor[-1]:.3f}; the achievable risk from "
            f"{achievable[0]:.3f} to {achievable[-1]:.3f}; the ceiling from "
            f"{curve.ceiling[0]:.3f} to {curve.ceiling[-1]:.3f}; the target is {curve.target:g}. " + at_design
        )
    else:
        alt = (f"Chart for scenario {scenario_name} with no curve against {curve.x_label}, only markers at this "
               f"design; the target is {curve.target:g}. " + at_design)
        caption = f"{caption} {NOT_SWEPT_TEXT['long']}".strip()
    return _finish(figure, title, caption, alt)


def _value_at(curve: Curve, x_value: float) -> tuple[float, float, float]:
    nearest = min(range(len(curve.x)), key=lambda i: abs(curve.x[i] - x_value))
    achievable = curve.achievable[nearest] if curve.achievable else curve.ceiling[nearest]
    return curve.floor[nearest], curve.ceiling[nearest], achievable


@_remembered
def capacity_breakdown_figure(evaluation: Evaluation, raters: int, *, unit: str = "bits") -> Figure:
    """Grouped horizontal bars: the stages of capacity per context and question.

    For each (context, question): the cognitive capacity (judgment), the
    articulation capacity (interface), the exact one-rater cascade and the
    panel of ``raters`` raters, with a tick at the most the question's
    alphabet can carry.

    Parameters
    ----------
    evaluation
        The scenario's evaluation (capacities in nats).
    raters
        Raters per item, for the legend.
    unit
        ``"bits"`` or ``"nats"``.
    """
    scale = 1.0 / LN2 if unit == "bits" else 1.0
    groups = [(ctx.name, q) for ctx in evaluation.contexts for q in ctx.questions]
    several_contexts = len(evaluation.contexts) > 1
    note = ""
    if len(groups) > MAX_BAR_GROUPS:
        # Dozens of bar groups would make an unreadable, page-high chart: show
        # the first context's questions only and say so in the caption.
        groups = [(evaluation.contexts[0].name, q) for q in evaluation.contexts[0].questions][:MAX_BAR_GROUPS]
        note = (f" Only the first {len(groups)} questions of context {evaluation.contexts[0].name!r} are shown; the "
                "capacity tables list every context and question.")
    series = (
        ("cognitive (judgment)", "cognitive_nats", SKY, ""),
        ("articulation (interface)", "articulation_nats", ORANGE, "//"),
        ("cascade, one rater", "cascade_nats", GREEN, ""),
        (f"{raters} rater{'s' if raters != 1 else ''} (panel)", "panel_nats", BLUE, ""),
    )
    bar = 0.19
    figure = _new_figure(1.5 + 0.62 * len(groups))
    axes = figure.add_subplot()
    _style_axes(axes)
    positions = list(range(len(groups)))
    group_limits = [q.max_nats * scale if q.max_nats > 0 else None for _, q in groups]
    axis = breakdown_scale([getattr(q, attribute) * scale for _, q in groups
                            for _, attribute, _, _ in series if attribute != "articulation_nats"], group_limits,
                           [wide_answer(q.alternatives) for _, q in groups])
    for index, (label, attribute, colour, hatch) in enumerate(series):
        offsets = [p + (index - 1.5) * bar for p in positions]
        values = [getattr(q, attribute) * scale for _, q in groups]
        # A bar past the axis's end (typed text's articulation) is cut there and labelled with its value.
        axes.barh(offsets, [min(v, axis.clip) for v in values], height=bar, color=colour, hatch=hatch,
                  edgecolor="white" if not hatch else GREY, linewidth=0.5, label=label)
        for group, (offset, value) in enumerate(zip(offsets, values)):
            text = f"{value:.2f} ›" if value > axis.clip else ""
            if attribute == "articulation_nats" and axis.off_scale(group, group_limits[group]):
                text += f"{'   ' if text else ''}{axis.limit_label(group, group_limits[group])}"
            if text:
                axes.annotate(text, (min(value, axis.clip), offset), xytext=(3, 0), textcoords="offset points",
                              va="center", fontsize=TICK_SIZE - 1, color=BLACK)
    limits = [(p, limit) for p, limit, on in zip(positions, group_limits, axis.on_scale) if on and limit is not None]
    if limits:
        axes.scatter([v for _, v in limits], [p for p, _ in limits], marker="|", s=420, color=BLACK,
                     linewidths=1.6, label="most the answer format can carry", zorder=3)
    # Two lines of a name before it is cut ("clear findings / abnormal finding prese…" lost its end).
    names = [wrapped(f"{ctx} / {q.name}" if several_contexts else q.name, BAR_LABEL_WIDTH, lines=2) for ctx, q in groups]
    axes.set_yticks(positions, [plain(n) for n in names])
    axes.invert_yaxis()
    axes.grid(axis="y", visible=False)
    axes.set_xlabel(f"capacity per item ({unit})")
    cut = any(getattr(q, attribute) * scale > axis.clip for _, q in groups for _, attribute, _, _ in series)
    named = any(axis.off_scale(group, limit) for group, limit in enumerate(group_limits))
    # Room on the right for the labels of cut bars and of limits off the axis.
    axes.set_xlim(0.0, axis.clip * (1.6 if named else 1.25) if cut or named else None)
    _legend_below(figure, 3)
    title = "Capacity per context and question"
    parts = []
    for ctx, q in groups:
        parts.append(
            f"{ctx} / {q.name}: cognitive {q.cognitive_nats * scale:.2f}, articulation {q.articulation_nats * scale:.2f}, "
            f"one-rater cascade {q.cascade_nats * scale:.2f}, panel {q.panel_nats * scale:.2f} {unit}"
        )
    alt = f"Bar chart of capacity per item in {unit}. " + "; ".join(parts) + "."
    caption = (
        f"Where information is lost, in {unit} per item. The judgment (cognitive) and the interface (articulation) "
        "each limit a single rater; the cascade of both is never above the smaller one. More raters raise the panel's "
        "capacity, but never past the tick: the most the answer format can carry."
    ) + (" A bar marked › is longer than the axis and cut at its end; its value is written beside it."
         if cut else "") + (" \"limit N ›\": the most that question's format can carry lies far beyond the axis."
                            if named else "") + note
    return _finish(figure, title, caption, alt)


@_remembered
def frontier_figure(costs: Sequence[float], floors: Sequence[float], achievable: Sequence[float], *, target: float,
                    currency: str, recommended: tuple[float, float] | None,
                    current: tuple[float, float] | None) -> Figure:
    """The optimiser's Pareto frontier: cheapest floor at each cost, with each design's achievable risk.

    Parameters
    ----------
    costs, floors, achievable
        One entry per frontier point; cost in ``currency``, risks in [0, 1].
    target
        The target risk (a horizontal line).
    recommended, current
        ``(cost, achievable risk)`` of the recommended design and of the
        scenario as given, or None.
    """
    order = sorted(range(len(costs)), key=lambda i: costs[i])
    xs = [costs[i] for i in order]
    figure = _new_figure(3.7)
    axes = figure.add_subplot()
    _style_axes(axes)
    if xs:
        axes.plot(xs, [floors[i] for i in order], color=VERMILION, marker="o", markersize=4, linewidth=1.6,
                  drawstyle="steps-post", label="floor of the best design at this cost")
        # Joined design to design, but not across a stretch of cost without designs (frontier_lines).
        axes.plot(*cut_at_gaps(xs, [achievable[i] for i in order]), color=GREEN, marker="s", markersize=3,
                  linewidth=1.2, linestyle="--", label="its achievable risk")
    axes.axhline(target, color=BLACK, linewidth=1.2, linestyle=":", label=f"target risk {target:g}")
    if current is not None:
        axes.scatter([current[0]], [current[1]], marker="D", s=50, color=GREY, zorder=4,
                     label="the scenario as given")
    if recommended is not None:
        axes.scatter([recommended[0]], [recommended[1]], marker="*", s=180, color=GREEN, edgecolor=BLACK,
                     linewidths=0.6, zorder=5, label="recommended design")
    every_cost = [c for c in [*xs, *(p[0] for p in (current, recommended) if p is not None)] if c > 0]
    if every_cost and max(every_cost) / min(every_cost) > 30:
        low, high = min(every_cost) / 1.2, max(every_cost) * 1.2
        axes.set_xlim(low, high)
        _log_axis(axes, low, high)
    else:
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: compact_number(value)))
    axes.set_xlabel(f"campaign cost ({plain(currency)}{', log scale' if axes.get_xscale() == 'log' else ''})")
    axes.set_ylabel(RISK_LABEL)
    every_risk = [*floors, *achievable, *(p[1] for p in (current, recommended) if p is not None)]
    axes.set_ylim(*_risk_axis_limits(every_risk, target=target))
    _legend_below(figure, 2)
    title = "Cost against floor and achievable risk: the optimiser's frontier"
    if xs:
        alt = (
            f"Step chart of {len(xs)} designs on the Pareto frontier, cost from {amount_text(xs[0])} to {amount_text(xs[-1])} "
            f"{currency}; floor from {floors[order[0]]:.3f} to {floors[order[-1]]:.3f}; target {target:g}."
        )
    else:
        alt = f"Empty chart: the optimiser found no design; target {target:g}."
    if recommended is not None:
        alt += f" Recommended: cost {amount_text(recommended[0])} {currency}, achievable risk {recommended[1]:.3f}."
    caption = (
        "Each point is the design with the lowest floor the optimiser found at that cost or less (raters, time per "
        "item and formats varied, time water-filled across questions), with the risk that design achieves. A floor "
        "above the dotted line rules a design out; an achievable risk below it meets the target. The recommended "
        "design is the cheapest found whose evaluation meets the target."
    )
    return _finish(figure, title, caption, alt)


@_remembered
def comparison_curve_figure(name: str, curves: Sequence[tuple[str, Curve]]) -> Figure:
    """The achievable risk and the floor of several scenarios against one variable.

    One colour per scenario; the line style says what a line is (solid achievable risk, dashed
    floor, dotted target), as in the window's Compare tab, so the legend names each scenario once
    and each style once instead of every combination.

    Parameters
    ----------
    name
        The curve's key (``"items"``, ``"log2_m"``, ``"raters"``, ``"seconds"``).
    curves
        ``(scenario name, curve)`` pairs, one per scenario.
    """
    figure = _new_figure(3.9)
    axes = figure.add_subplot()
    _style_axes(axes)
    targets = {curve.target for _, curve in curves}
    handles: list[Line2D] = []
    for index, (scenario_name, curve) in enumerate(curves):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        achievable = curve.achievable or curve.ceiling
        # A curve of its design's point alone has no lines: its achievable risk is a square (the floor
        # has its dot).
        axes.plot(curve.x, achievable, color=colour, linewidth=2.0, marker=None if curve.swept else "s")
        axes.plot(curve.x, curve.floor, color=colour, linewidth=1.4, linestyle="--")
        axes.scatter([curve.current], [_value_at(curve, curve.current)[0]], color=colour, s=30, zorder=4)
        if len(targets) > 1:
            axes.axhline(curve.target, color=colour, linewidth=1.1, linestyle=":")
        handles.append(Line2D([], [], color=colour, linewidth=3.0, label=plain(shorten(scenario_name, 45))))
    if len(targets) == 1:
        axes.axhline(next(iter(targets)), color=BLACK, linewidth=1.1, linestyle=":")
    handles.extend([
        Line2D([], [], color=GREY, linewidth=2.0, label="achievable risk"),
        Line2D([], [], color=GREY, linewidth=1.4, linestyle="--", label="floor"),
        Line2D([], [], color=GREY if len(targets) > 1 else BLACK, linewidth=1.1, linestyle=":",
               label="target risk" + (f" {next(iter(targets)):g}" if len(targets) == 1 else " (scenario's colour)")),
    ])
    low = min(min(curve.x) for _, curve in curves)
    high = max(max(curve.x) for _, curve in curves)
    log_x = any(curve.log_x for _, curve in curves)
    if high == low:  # every curve its design's point alone
        low, high = (low / 2.0, high * 2.0) if log_x else (low - 1.0, high + 1.0)
        axes.set_xlim(low, high)
    if log_x:
        axes.set_xlim(low, high)
        _log_axis(axes, low, high)
    first = curves[0][1]
    axes.set_xlabel(AXIS_LABELS.get(name, plain(first.x_label)))
    axes.set_ylabel(RISK_LABEL)
    axes.set_ylim(*_risk_axis_limits(*(c.floor for _, c in curves), *(c.achievable or c.ceiling for _, c in curves),
                                     target=max(targets)))
    figure.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False, fontsize=LEGEND_SIZE)
    title = CURVE_TITLES.get(name, f"Risk against {first.x_label}") + ", all scenarios"
    alt = f"Line chart comparing {len(curves)} scenarios against {first.x_label}. " + " ".join(
        f"{scenario_name}: achievable risk {(curve.achievable or curve.ceiling)[0]:.3f} to "
        f"{(curve.achievable or curve.ceiling)[-1]:.3f}, floor {curve.floor[0]:.3f} to {curve.floor[-1]:.3f}, "
        f"target {curve.target:g}."
        for scenario_name, curve in curves
    )
    caption = ("One colour per scenario: solid lines are achievable risks (what the design attains), dashed lines "
               "floors (no design of that capacity does better), dotted lines targets; a dot marks each scenario's "
               "own design on its floor.")
    alone = [scenario_name for scenario_name, curve in curves if not curve.swept]
    if alone:
        caption += (f" Not swept for {', '.join(repr(plain(n)) for n in alone)}: the designs beside "
                    f"{'it are' if len(alone) == 1 else 'them are'} too large to evaluate within an evaluation's work "
                    "budget, so only the design's own floor (dot) and achievable risk (square) are shown.")
    return _finish(figure, title, caption, alt)


@_remembered
def compromise_figure(raters: Sequence[int], items: Sequence[int], label_error: Sequence[float],
                      achievable: Sequence[float], model_error: Sequence[float], *, best: int | None, target: float,
                      budget_text: str, objective_text: str) -> Figure:
    """A fixed budget split between raters per item and items: risks on the left axis, items bought
    on the right (:mod:`advisor.planning.compromise`).

    Parameters
    ----------
    raters, items
        One entry per split: raters per item r and the items m the budget buys with them.
    label_error, achievable, model_error
        At each split, in [0, 1]: the MAP label error, the achievable risk the objective reads, and
        Gallager's bound on the value model's error with those items.
    best
        Index of the best split (marked), or None.
    target
        The target risk (a horizontal line).
    budget_text, objective_text
        The budget and what ``achievable`` reads, in words (caption and alt text).
    """
    figure = _new_figure(3.7)
    axes = figure.add_subplot()
    _style_axes(axes)
    xs = [int(r) for r in raters]
    # The achievable risk is often the label error itself: drawn first and wider, the label error stays
    # visible on top of it.
    axes.plot(xs, achievable, color=GREEN, marker="s", markersize=6, linewidth=3.2, alpha=0.8,
              label="achievable risk")
    axes.plot(xs, label_error, color=VERMILION, marker="o", markersize=3, linewidth=1.2,
              label="label error (MAP of r votes)")
    axes.plot(xs, model_error, color=PURPLE, marker="^", markersize=4, linewidth=1.2, linestyle="--",
              label="value model's error, at most (Gallager)")
    axes.axhline(target, color=BLACK, linewidth=1.2, linestyle=":", label=f"target risk {target:g}")
    if best is not None:
        axes.scatter([xs[best]], [achievable[best]], marker="*", s=220, color=GREEN, edgecolor=BLACK,
                     linewidths=0.7, zorder=5, label=f"best split: {counted(int(xs[best]), 'rater')}, {items[best]:,} items")
    axes.set_ylim(*_risk_axis_limits(label_error, achievable, target=target))
    axes.set_xlabel(AXIS_LABELS["raters"])
    axes.set_ylabel(RISK_LABEL)
    if xs:
        axes.set_xlim(min(xs) - 0.3, max(xs) + 0.3)
        axes.xaxis.set_major_locator(FixedLocator(xs if len(xs) <= 12 else xs[::max(1, len(xs) // 10)]))
    right = axes.twinx()
    right.bar(xs, items, width=0.5, color=SKY, alpha=0.25, zorder=0, label="items the budget buys (right axis)")
    right.set_ylabel("items bought (count)", fontsize=LABEL_SIZE)
    right.tick_params(labelsize=TICK_SIZE)
    right.yaxis.set_major_formatter(FuncFormatter(lambda value, _: compact_number(value)))
    right.spines["top"].set_visible(False)
    # The bars behind the curves: the risk axes are drawn over the item axes.
    axes.set_zorder(right.get_zorder() + 1)
    axes.patch.set_visible(False)
    _legend_below(figure, 2)
    title = "A fixed budget split between raters per item and items"
    if xs and best is not None:
        alt = (f"Line chart over raters per item from {xs[0]} to {xs[-1]} at a budget of {budget_text}: the items "
               f"bought fall from {items[0]:,} to {items[-1]:,}; the label error goes from {label_error[0]:.3f} to "
               f"{label_error[-1]:.3f}; the achievable risk from {achievable[0]:.3f} to {achievable[-1]:.3f}. The "
               f"best split is {counted(int(xs[best]), 'rater')} per item on {items[best]:,} items, achievable risk "
               f"{achievable[best]:.3f}; target {target:g}.")
    else:
        alt = f"Empty chart: no split of {budget_text} was evaluated; target {target:g}."
    caption = (f"Each point is a design evaluated in full: r raters per item on the items {budget_text} buys with "
               "them. More raters lower the label error, fewer items raise the value model's error; the achievable "
               f"risk reads {objective_text}. The star marks the lowest achievable risk (ties go to fewer raters); "
               "the bars (right axis) are the items bought.")
    return _finish(figure, title, caption, alt)
