from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kb import KnowledgeBase, Tree
from service.channels.web.svg import (
    BOLD_PX,
    CHAR_PX,
    NARROW_WIDTH,
    PAD,
    Box,
    layers,
    place,
    render_tree,
)

SVG = "{http://www.w3.org/2000/svg}"


def tiny_tree(text: str = "Which action ran last?") -> Tree:
    return Tree.model_validate(
        {
            "id": "tiny",
            "title": "A tiny tree",
            "status": "draft",
            "description": "A two-question tree for the layout tests.",
            "author": "tests",
            "date": "2026-01-01",
            "modified": "2026-01-01",
            "kind": "workflow",
            "start": "q1",
            "nodes": [
                {
                    "id": "q1",
                    "type": "question",
                    "text": text,
                    "options": [
                        {"id": "a", "label": "collect()", "next": "q2"},
                        {"id": "b", "label": "broadcast", "next": "leaf_b"},
                    ],
                },
                {
                    "id": "q2",
                    "type": "question",
                    "text": "Large result?",
                    "options": [{"id": "y", "label": "yes", "next": "leaf_b"}],
                },
                {"id": "leaf_b", "type": "leaf", "text": "Done.", "cause": "collect_to_driver"},
            ],
        }
    )


def boxes_overlap(a: Box, b: Box) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def test_layers_put_each_node_below_all_its_parents() -> None:
    depth = {n.id: i for i, layer in enumerate(layers(tiny_tree())) for n in layer}

    assert depth == {"q1": 0, "q2": 1, "leaf_b": 2}


def test_render_tree_is_valid_svg_with_every_node_and_edge() -> None:
    root = ET.fromstring(render_tree(tiny_tree(), {"collect_to_driver": "Too much collected"}))

    assert root.tag == f"{SVG}svg"
    assert [g.get("data-node") for g in root.iter(f"{SVG}g")] == ["q1", "q2", "leaf_b"]
    assert len(list(root.iter(f"{SVG}polyline"))) == 3
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Which action ran last?" in texts and "Too much collected" in texts


def test_render_tree_escapes_text() -> None:
    svg = render_tree(tiny_tree("<script>alert(1)</script> & more?"))

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more?" in svg
    ET.fromstring(svg)


def test_render_tree_links_outcomes_to_their_cause() -> None:
    svg = render_tree(tiny_tree(), href=lambda cause: f"/kb/{cause}")

    assert 'href="/kb/collect_to_driver"' in svg


@pytest.mark.parametrize("width", [760, NARROW_WIDTH])
def test_place_fits_every_kb_tree_into_width_without_overlap(kb: KnowledgeBase, width: int) -> None:
    titles: dict[str, str] = {c.id: c.title for c in kb.causes.values()}
    for tree in kb.trees.values():
        boxes, height = place(tree, width, titles)
        placed = list(boxes.values())
        assert len(placed) == len(tree.nodes), tree.id
        assert all(0 <= b.x and b.x + b.w <= width and b.bottom <= height for b in placed)
        assert not any(boxes_overlap(a, b) for i, a in enumerate(placed) for b in placed[i + 1 :])


def test_place_wraps_text_inside_its_box(kb: KnowledgeBase) -> None:
    boxes, _ = place(kb.triage_tree(), NARROW_WIDTH, {})

    for box in boxes.values():
        for cls, line in box.lines:
            glyph = BOLD_PX if cls in {"q", "c"} else CHAR_PX
            assert len(line) * glyph <= box.w - 2 * PAD + 0.01, line


def test_render_tree_width_is_capped_for_the_page(kb: KnowledgeBase) -> None:
    root = ET.fromstring(render_tree(kb.triage_tree(), width=NARROW_WIDTH))

    assert root.get("viewBox", "").startswith(f"0 0 {NARROW_WIDTH} ")
    assert root.get("width") == "100%"
    assert f"max-width:{NARROW_WIDTH}px" in root.get("style", "")


def _segments(points: str) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    xy = [tuple(float(v) for v in p.split(",")) for p in points.split()]
    return [((a[0], a[1]), (b[0], b[1])) for a, b in zip(xy, xy[1:], strict=False)]


def _crosses(segment: tuple[tuple[float, float], tuple[float, float]], box: Box) -> bool:
    """An axis-parallel segment passes through the inside of ``box`` (touching is not)."""
    (x1, y1), (x2, y2) = segment
    left, right = min(x1, x2), max(x1, x2)
    top, bottom = min(y1, y2), max(y1, y2)
    eps = 0.5
    return (
        left < box.x + box.w - eps
        and right > box.x + eps
        and top < box.bottom - eps
        and bottom > box.y + eps
    )


@pytest.mark.parametrize("width", [760, NARROW_WIDTH])
def test_edges_never_cross_a_box_they_do_not_connect_and_end_in_arrowheads(
    kb: KnowledgeBase, width: int
) -> None:
    titles: dict[str, str] = {c.id: c.title for c in kb.causes.values()}
    for tree in kb.trees.values():
        boxes, _ = place(tree, width, titles)
        root = ET.fromstring(render_tree(tree, titles, width=width))
        marker = root.find(f"{SVG}defs/{SVG}marker")
        assert marker is not None and marker.find(f"{SVG}path") is not None, tree.id
        lines = list(root.iter(f"{SVG}polyline"))
        options = sum(len(n.options) for n in tree.nodes)
        assert len(lines) == options, tree.id
        for line in lines:
            assert line.get("marker-end") == f"url(#{marker.get('id')})"
            source, target = boxes[line.get("data-from", "")], boxes[line.get("data-to", "")]
            segments = _segments(line.get("points", ""))
            for a, b in segments:
                assert a[0] == b[0] or a[1] == b[1], (tree.id, a, b)  # vertical or horizontal
            # It leaves the bottom of its source and ends on the top of its target, going down.
            (sx, sy), (ex, ey) = segments[0][0], segments[-1][1]
            assert sy == pytest.approx(source.bottom) and source.x < sx < source.x + source.w
            assert ey == pytest.approx(target.y) and target.x < ex < target.x + target.w
            assert segments[-1][0][1] < ey
            for segment in segments:
                for box in boxes.values():
                    if box is source or box is target:
                        continue
                    assert not _crosses(segment, box), (tree.id, width, box.node.id, segment)


def test_edge_text_is_readable_size() -> None:
    root = ET.fromstring(render_tree(tiny_tree()))
    style = "".join(s.text or "" for s in root.iter(f"{SVG}style"))
    assert "font-size:14px" in style and "font-size:10px" not in style
