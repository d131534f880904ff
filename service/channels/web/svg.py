"""A decision tree drawn as an SVG picture, laid out top to bottom in layers.

A node sits in the layer of its longest path from the start, so every edge points down. A
layer wider than ``columns`` boxes wraps onto more rows, and text wraps inside its box, so the
picture never needs more than ``width`` pixels: the page scales it down, never sideways.
Option labels are listed inside the question box as a), b), ...; the edge leaving the box for
that option carries the same letter.
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
GAP_Y = 40
PAD = 10
FONT_PX = 12
LINE_PX = 16
# Average glyph width of sans-serif prose is about 0.5 em; 0.56 em errs on the side of
# wrapping early, because SVG text that overflows its box is never wrapped by the browser.
CHAR_PX = FONT_PX * 0.56
BOLD_PX = FONT_PX * 0.64
MIN_BOX = 150
MAX_BOX = 340
LETTERS = "abcdefghijklmnopqrstuvwxyz"
STYLE = """
.dd-tree{font-family:var(--dd-font,system-ui,sans-serif);font-size:12px}
.dd-tree .box{fill:var(--dd-bg,#fff);stroke:var(--dd-border,#8a94a6);stroke-width:1}
.dd-tree .leaf .box{fill:var(--dd-leaf-bg,#eefbf1);stroke:var(--dd-ok,#2f855a)}
.dd-tree .start .box{stroke:var(--dd-accent,#1d4ed8);stroke-width:2}
.dd-tree text{fill:var(--dd-fg,#1a202c)}
.dd-tree .c,.dd-tree .q{font-weight:600}
.dd-tree .o{fill:var(--dd-muted,#4a5568)}
.dd-tree .edge{fill:none;stroke:var(--dd-border,#8a94a6);stroke-width:1.2}
.dd-tree .badge{fill:var(--dd-accent,#1d4ed8)}
.dd-tree .badge-text{fill:#fff;font-size:10px;font-weight:600}
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
    """Every node's box, and the height of the whole picture."""
    usable = width - 2 * MARGIN
    columns = max(1, (usable + GAP_X) // (MIN_BOX + GAP_X))
    boxes: dict[str, Box] = {}
    y = float(MARGIN)
    for layer in layers(tree):
        for start in range(0, len(layer), columns):
            row = layer[start : start + columns]
            y = _place_row(row, usable, y, cause_titles, boxes) + GAP_Y
    return boxes, y - GAP_Y + MARGIN


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
    edges = [part for box in boxes.values() for part in _edges(box, boxes)]
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
            *edges,
            *nodes,
            "</svg>",
        ]
    )


def _id(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)


def _edges(box: Box, boxes: Mapping[str, Box]) -> list[str]:
    parts: list[str] = []
    count = len(box.node.options)
    for i, (letter, option) in enumerate(zip(LETTERS, box.node.options, strict=False)):
        target = boxes.get(option.next)
        if target is None:
            continue
        x1, y1 = box.x + box.w * (i + 1) / (count + 1), box.bottom
        x2, y2 = target.x + target.w / 2, target.y
        bend = max((y2 - y1) / 2, GAP_Y / 2)
        parts.append(
            f'<path class="edge" d="M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} '
            f'{x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}"/>'
        )
        parts.append(_badge(x1, y1 + 9, letter))
    return parts


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
