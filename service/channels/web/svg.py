"""A decision tree drawn as an SVG picture, laid out top to bottom in layers.

A node sits in the layer of its longest path from the start, so every edge points down. A
layer wider than ``columns`` boxes wraps onto more rows, and text wraps inside its box, so the
picture never needs more than ``width`` pixels: the page scales it down, never sideways.
Option labels are listed inside the question box as a), b), ...; the edge leaving the box for
that option carries the same letter.

Edges are routed, not drawn straight: an edge runs down from its box, sideways in the gap
below that row (each edge in a lane of its own), down through every row it skips in a free
channel between that row's boxes, and into the top of its target with an arrowhead. So no edge
ever crosses a box it does not connect (``tests/service/channels/test_svg.py`` checks every KB
tree).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from kb import Node, Tree

DEFAULT_WIDTH = 760
# Drawn for a phone or a side panel: two boxes a row, shown at close to its natural size.
NARROW_WIDTH = 380
MARGIN = 12
GAP_X = 16
GAP_Y = 52
PAD = 10
FONT_PX = 14
LINE_PX = 19
# Room below a box for the option's letter badge before the first lane of the gap.
BADGE_ROOM = 20
# Room above a box for the arrowhead after the last lane of the gap.
ARROW_ROOM = 10
# Height of one edge's lane in a gap, and the spacing of edges passing a row side by side.
LANE_PX = 7
PASS_PX = 4
# How far an edge's way into a box keeps from the x another edge leaves its box at.
CLEAR_PX = 12
# Boxes a row at most: more makes every box too narrow to read.
MAX_COLUMNS = 3
# Average glyph width of sans-serif prose is about 0.5 em; 0.56 em errs on the side of
# wrapping early, because SVG text that overflows its box is never wrapped by the browser.
CHAR_PX = FONT_PX * 0.56
BOLD_PX = FONT_PX * 0.64
MIN_BOX = 160
MAX_BOX = 360
LETTERS = "abcdefghijklmnopqrstuvwxyz"
STYLE = """
.dd-tree{font-family:var(--dd-font,system-ui,sans-serif);font-size:14px}
.dd-tree .box{fill:var(--dd-bg,#fff);stroke:var(--dd-border,#8a94a6);stroke-width:1}
.dd-tree .leaf .box{fill:var(--dd-leaf-bg,#eefbf1);stroke:var(--dd-ok,#2f855a)}
.dd-tree .start .box{stroke:var(--dd-accent,#1d4ed8);stroke-width:2}
.dd-tree text{fill:var(--dd-fg,#1a202c)}
.dd-tree .c,.dd-tree .q{font-weight:600}
.dd-tree .o{fill:var(--dd-muted,#4a5568)}
.dd-tree .edge{fill:none;stroke:var(--dd-border,#8a94a6);stroke-width:1.4;stroke-linejoin:round}
.dd-tree .arrow{fill:var(--dd-border,#8a94a6)}
.dd-tree .badge{fill:var(--dd-accent,#1d4ed8)}
.dd-tree .badge-text{fill:#fff;font-size:12px;font-weight:600}
.dd-tree a:focus .box,.dd-tree a:hover .box{stroke-width:3}
"""

Href = Callable[[str], str]


@dataclass(frozen=True)
class Box:
    """Where one node is drawn and the text lines it holds, as (css class, text) pairs."""

    node: Node
    x: float
    y: float
    w: float
    h: float
    lines: tuple[tuple[str, str], ...]

    @property
    def bottom(self) -> float:
        return self.y + self.h


def layers(tree: Tree) -> list[list[Node]]:
    """Nodes grouped by longest distance from the start, siblings kept next to each other."""
    nodes = {n.id: n for n in tree.nodes}
    depth = {tree.start: 0}
    # Longest path by relaxation; a tree is acyclic (kb lint), so this ends within len(nodes).
    for _ in range(len(nodes)):
        changed = False
        for node in tree.nodes:
            if node.id not in depth:
                continue
            for option in node.options:
                if option.next in nodes and depth.get(option.next, -1) < depth[node.id] + 1:
                    depth[option.next] = depth[node.id] + 1
                    changed = True
        if not changed:
            break
    last = max(depth.values()) + 1
    for node in tree.nodes:
        depth.setdefault(node.id, last)  # unreachable: drawn apart, at the bottom
    grouped: list[list[Node]] = [[] for _ in range(max(depth.values()) + 1)]
    for node_id in _preorder(tree, nodes):
        grouped[depth[node_id]].append(nodes[node_id])
    return [layer for layer in grouped if layer]


def _preorder(tree: Tree, nodes: Mapping[str, Node]) -> list[str]:
    seen: list[str] = []
    stack = [tree.start]
    while stack:
        node_id = stack.pop()
        if node_id in seen or node_id not in nodes:
            continue
        seen.append(node_id)
        stack.extend(reversed([o.next for o in nodes[node_id].options]))
    return seen + [n.id for n in tree.nodes if n.id not in seen]


def box_lines(
    node: Node, inner: float, cause_titles: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """The text of one node wrapped to ``inner`` pixels: the question and its lettered
    options (a), b), ...), or for an outcome the cause it ends at and its conclusion."""
    chars, bold = int(inner // CHAR_PX), int(inner // BOLD_PX)
    lines: list[tuple[str, str]] = []
    if node.type == "leaf":
        title = cause_titles.get(node.cause or "", node.cause or "outcome")
        lines += [("c", line) for line in _wrap(f"\u2192 {title}", bold)]
        lines += [("t", line) for line in _wrap(node.text, chars)]
        return tuple(lines)
    lines += [("q", line) for line in _wrap(node.text, bold)]
    for letter, option in zip(LETTERS, node.options, strict=False):
        lines += [("o", line) for line in _wrap(f"{letter}) {option.label}", chars, "   ")]
    return tuple(lines)


def _wrap(text: str, chars: int, indent: str = "") -> list[str]:
    """Greedy word wrap; a word too long for a line breaks after a dot, slash or underscore
    (config keys and class names), and only as a last resort inside a run of letters."""
    width = max(chars, 8)
    lines: list[str] = []
    line = ""
    for word in text.split():
        for i, piece in enumerate(_pieces(word, width - len(indent))):
            glue = "" if i else " "
            if line and len(line) + len(glue) + len(piece) <= width:
                line += glue + piece
                continue
            if line:
                lines.append(line)
            line = (indent if lines else "") + piece
    return [*lines, line] if line or not lines else lines


def _pieces(word: str, width: int) -> list[str]:
    if len(word) <= width:
        return [word]
    parts = [p for p in re.findall(r"[^./_]*[./_]?", word) if p]
    return [p[i : i + width] for p in parts for i in range(0, len(p), width)]


def place(tree: Tree, width: int, cause_titles: Mapping[str, str]) -> tuple[dict[str, Box], float]:
    """Every node's box, and the height of the whole picture.

    The gap below a row grows with the edges that run sideways in it, so each keeps a lane
    of at least ``LANE_PX``: rows are laid out once, edges counted per gap, and laid out again.
    """
    boxes, _ = _place(tree, width, cause_titles, {})
    lanes: dict[int, int] = {}
    for edge in route_edges(boxes, width):
        for gap in range(edge.rows[0], edge.rows[1]):
            lanes[gap] = lanes.get(gap, 0) + 1
    heights = {gap: BADGE_ROOM + ARROW_ROOM + LANE_PX * n for gap, n in lanes.items()}
    return _place(tree, width, cause_titles, heights)


def _place(
    tree: Tree, width: int, cause_titles: Mapping[str, str], gaps: Mapping[int, float]
) -> tuple[dict[str, Box], float]:
    usable = width - 2 * MARGIN
    columns = min(MAX_COLUMNS, max(1, (usable + GAP_X) // (MIN_BOX + GAP_X)))
    boxes: dict[str, Box] = {}
    y = float(MARGIN)
    row = 0
    for layer in layers(tree):
        for start in range(0, len(layer), columns):
            bottom = _place_row(layer[start : start + columns], usable, y, cause_titles, boxes)
            y = bottom + max(GAP_Y, gaps.get(row, 0.0))
            row += 1
    return boxes, bottom + MARGIN


def _place_row(
    row: list[Node],
    usable: int,
    y: float,
    cause_titles: Mapping[str, str],
    boxes: dict[str, Box],
) -> float:
    w = min(MAX_BOX, (usable - GAP_X * (len(row) - 1)) / len(row))
    left = MARGIN + (usable - len(row) * w - GAP_X * (len(row) - 1)) / 2
    bottom = y
    for i, node in enumerate(row):
        lines = box_lines(node, w - 2 * PAD, cause_titles)
        h = len(lines) * LINE_PX + 2 * PAD
        boxes[node.id] = Box(node, left + i * (w + GAP_X), y, w, h, lines)
        bottom = max(bottom, y + h)
    return bottom


def render_tree(
    tree: Tree,
    cause_titles: Mapping[str, str] | None = None,
    href: Href | None = None,
    width: int = DEFAULT_WIDTH,
) -> str:
    """The tree as a standalone ``<svg>`` element, ``width`` pixels wide at most.

    ``href`` maps a cause id to a link target; outcome boxes then link to their cause.
    """
    titles = cause_titles or {}
    boxes, height = place(tree, width, titles)
    marker = f"arrow-{_id(tree.id)}-{width}"
    edges: list[str] = []
    for edge in route_edges(boxes, width):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in edge.points)
        edges.append(
            f'<polyline class="edge" data-from={quoteattr(edge.source)} '
            f'data-to={quoteattr(edge.target)} points="{points}" marker-end="url(#{marker})"/>'
        )
        x, y = edge.points[0]
        edges.append(_badge(x, y + BADGE_ROOM / 2, edge.letter))
    nodes = [_node(box, href, box.node.id == tree.start) for box in boxes.values()]
    questions = sum(1 for n in tree.nodes if n.type == "question")
    desc = f"{questions} questions leading to {len(tree.nodes) - questions} outcomes."
    h = math.ceil(height)
    title_id = f"t-{_id(tree.id)}-{width}"
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="dd-tree" role="group" '
            f'viewBox="0 0 {width} {h}" width="100%" '
            f'style="max-width:{width}px;height:auto" aria-labelledby="{title_id}">',
            f'<title id="{title_id}">{escape(tree.title)}</title>',
            f"<desc>{escape(desc)}</desc><style>{STYLE}</style>",
            f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto">'
            '<path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
            *edges,
            *nodes,
            "</svg>",
        ]
    )


def _id(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)


# --- edge routing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of boxes: its top, its lowest bottom, and the x-extent of each box in it."""

    top: float
    bottom: float
    spans: tuple[tuple[float, float], ...]

    def channels(self, width: int) -> list[tuple[float, float]]:
        """Where a vertical line can pass this row without touching a box, as (left, right):
        every gap between boxes and the margins beside them (a row is never wider than
        ``width - 2 * MARGIN``, so the margins are always free)."""
        walls = [(0.0, 0.0), *sorted(self.spans), (float(width), float(width))]
        return [
            (right, left)
            for (_, right), (left, _) in zip(walls, walls[1:], strict=False)
            if left - right >= 2
        ]


@dataclass(frozen=True)
class Edge:
    """One option's edge: the boxes it joins, the option's letter and its polyline."""

    source: str
    target: str
    letter: str
    points: tuple[tuple[float, float], ...]
    rows: tuple[int, int]  # the rows of its source and its target


@dataclass
class _Plan:
    source: Box
    target: Box
    letter: str
    x1: float
    first: int  # the row of the source box
    last: int  # the row of the target box
    x2: float = 0.0
    # Per row it skips: the channel (left, right) it passes that row in.
    channels: tuple[tuple[float, float], ...] = ()
    passes: tuple[float, ...] = ()

    @property
    def gaps(self) -> range:
        """The gaps it runs sideways in (gap i lies below row i)."""
        return range(self.first, self.last)


def rows_of(boxes: Mapping[str, Box]) -> list[Row]:
    """The rows of a placement, top to bottom (every box of a row starts at the same y)."""
    by_top: dict[float, list[Box]] = {}
    for box in boxes.values():
        by_top.setdefault(box.y, []).append(box)
    return [
        Row(top, max(b.bottom for b in row), tuple((b.x, b.x + b.w) for b in row))
        for top, row in sorted(by_top.items())
    ]


def route_edges(boxes: Mapping[str, Box], width: int) -> list[Edge]:
    """Every option's edge as a polyline of vertical and horizontal segments."""
    rows = rows_of(boxes)
    row_at = {row.top: i for i, row in enumerate(rows)}
    plans: list[_Plan] = []
    for box in boxes.values():
        count = len(box.node.options)
        for i, (letter, option) in enumerate(zip(LETTERS, box.node.options, strict=False)):
            target = boxes.get(option.next)
            if target is not None:
                x1 = box.x + box.w * (i + 1) / (count + 1)
                first = row_at[box.y]
                if first + 1 < len(rows):
                    # Not on the line an edge passing the next row runs down.
                    centres = [(a + b) / 2 for a, b in rows[first + 1].channels(width)]
                    x1 = _clear_of(x1, centres, box)
                plans.append(_Plan(box, target, letter, x1, first, row_at[target.y]))
    # Edges into one box enter its top side by side, ordered by where they start.
    into: dict[str, list[_Plan]] = {}
    for plan in plans:
        into.setdefault(plan.target.node.id, []).append(plan)
    starts = [p.x1 for p in plans]
    for group in into.values():
        group.sort(key=lambda p: p.x1)
        for k, plan in enumerate(group):
            even = plan.target.x + plan.target.w * (k + 1) / (len(group) + 1)
            plan.x2 = _clear_of(even, starts, plan.target)
    for plan in plans:
        plan.channels = tuple(
            _nearest(rows[r].channels(width), plan.x2) for r in range(plan.first + 1, plan.last)
        )
    # Edges that pass one row in one channel run side by side, PASS_PX apart at most.
    passing: dict[tuple[int, tuple[float, float]], list[_Plan]] = {}
    for plan in plans:
        for r, channel in zip(range(plan.first + 1, plan.last), plan.channels, strict=True):
            passing.setdefault((r, channel), []).append(plan)
    offset: dict[tuple[int, int], float] = {}
    for (r, (left, right)), members in passing.items():
        members.sort(key=lambda p: p.x2)
        step = min(PASS_PX, (right - left - 2) / max(len(members), 1))
        for j, plan in enumerate(members):
            offset[(r, id(plan))] = (left + right) / 2 + (j - (len(members) - 1) / 2) * step
    for plan in plans:
        plan.passes = tuple(offset[(r, id(plan))] for r in range(plan.first + 1, plan.last))
    # Lanes: every edge runs sideways at a height of its own in each gap it uses.
    users: dict[int, list[_Plan]] = {}
    for plan in plans:
        for gap in plan.gaps:
            users.setdefault(gap, []).append(plan)
    lane: dict[tuple[int, int], float] = {}
    for gap, members in users.items():
        top = rows[gap].bottom + BADGE_ROOM
        span = rows[gap + 1].top - ARROW_ROOM - top
        members.sort(key=lambda p: p.x1 + p.x2)
        for j, plan in enumerate(members):
            lane[(gap, id(plan))] = top + span * (j + 0.5) / len(members)
    edges: list[Edge] = []
    for plan in plans:
        points: list[tuple[float, float]] = [(plan.x1, plan.source.bottom)]
        x = plan.x1
        for gap, following in zip(plan.gaps, [*plan.passes, plan.x2], strict=True):
            y = lane[(gap, id(plan))]
            points += [(x, y), (following, y)]
            x = following
        points.append((plan.x2, plan.target.y))
        edges.append(
            Edge(
                plan.source.node.id,
                plan.target.node.id,
                plan.letter,
                _simplify(points),
                (plan.first, plan.last),
            )
        )
    return edges


def _clear_of(x: float, taken: list[float], box: Box) -> float:
    """``x``, or the nearest x inside ``box`` at least ``CLEAR_PX`` from every edge's start, so
    an edge arriving from the side never runs down the line another edge leaves a box on."""
    for shift in (0, CLEAR_PX, -CLEAR_PX, 2 * CLEAR_PX, -2 * CLEAR_PX):
        moved = x + shift
        inside = box.x + PAD <= moved <= box.x + box.w - PAD
        if inside and all(abs(moved - t) >= CLEAR_PX for t in taken):
            return moved
    return x


def _nearest(channels: list[tuple[float, float]], x: float) -> tuple[float, float]:
    return min(channels, key=lambda c: abs((c[0] + c[1]) / 2 - x))


def _simplify(points: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Drop repeated points and points in the middle of a straight run."""
    out: list[tuple[float, float]] = []
    for x, y in points:
        if out and abs(out[-1][0] - x) < 0.05 and abs(out[-1][1] - y) < 0.05:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            straight = (abs(ax - bx) < 0.05 and abs(bx - x) < 0.05) or (
                abs(ay - by) < 0.05 and abs(by - y) < 0.05
            )
            if straight:
                out[-1] = (x, y)
                continue
        out.append((x, y))
    return tuple(out)


def _badge(x: float, y: float, letter: str) -> str:
    return (
        f'<circle class="badge" cx="{x:.1f}" cy="{y:.1f}" r="7"/>'
        f'<text class="badge-text" x="{x:.1f}" y="{y + 3.5:.1f}" '
        f'text-anchor="middle">{letter}</text>'
    )


def _node(box: Box, href: Href | None, is_start: bool) -> str:
    kind = "leaf" if box.node.type == "leaf" else "question"
    classes = f"node {kind}{' start' if is_start else ''}"
    text = "".join(
        f'<text class="{cls}" x="{box.x + PAD:.1f}" '
        f'y="{box.y + PAD + FONT_PX + i * LINE_PX:.1f}">{escape(line)}</text>'
        for i, (cls, line) in enumerate(box.lines)
    )
    rect = (
        f'<rect class="box" x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" '
        f'height="{box.h:.1f}" rx="6"/>'
    )
    body = f"{rect}{text}"
    if href is not None and box.node.type == "leaf" and box.node.cause:
        body = f"<a href={quoteattr(href(box.node.cause))}>{body}</a>"
    return f'<g class="{classes}" data-node={quoteattr(box.node.id)}>{body}</g>'
