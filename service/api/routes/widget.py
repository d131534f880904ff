"""The help-desk surface: the embeddable widget script, the standalone page, the KB pages.

Pages only render: the widget calls the same ``/v1`` JSON endpoints as any other client,
and the KB pages show what ``/v1/causes`` returns plus each decision tree as an SVG.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup

from kb import KnowledgeBase, Tree
from service.api.deps import DoctorDep, KBDep
from service.channels.web import STATIC_DIR
from service.channels.web.pages import page_templates
from service.channels.web.svg import NARROW_WIDTH, render_tree
from service.engine.snippets import FORM_LABELS
from service.errors import NotFoundError

templates = page_templates()

router = APIRouter(tags=["widget"])
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@router.get("/widget.js", include_in_schema=False)
def read_widget_script() -> FileResponse:
    """The ``<driver-doctor>`` custom element: one script tag embeds it in any page."""
    return FileResponse(STATIC_DIR / "widget.js", media_type="text/javascript")


@router.get("/", response_class=HTMLResponse)
def read_index(request: Request) -> HTMLResponse:
    """The standalone help-desk page: the widget, full width."""
    return templates.TemplateResponse(request, "index.html", {"title": "Driver Doctor"})


@router.get("/kb", response_class=HTMLResponse)
def read_kb_index(request: Request, kb: KBDep) -> HTMLResponse:
    """Every cause in the knowledge base, most frequent first."""
    causes = sorted(kb.causes.values(), key=lambda c: (c.frequency_rank or 99, c.id))
    context = {"title": "Knowledge base", "causes": causes, "kb_version": kb.version}
    return templates.TemplateResponse(request, "kb.html", context)


@router.get("/kb/{cause_id}", response_class=HTMLResponse)
def read_kb_cause(request: Request, cause_id: str, doctor: DoctorDep) -> HTMLResponse:
    """One cause: explanation, symptoms, diagnostics, fixes and its decision trees as SVG."""
    try:
        page = doctor.cause_page(cause_id)
    except NotFoundError as exc:
        return _not_found(request, exc)
    kb = doctor.kb
    context = {
        "title": page.cause.title,
        "cause": page.cause,
        "symptoms": page.symptoms,
        "fixes": page.fixes,
        "notes": page.notes,
        "trees": [(tree, *_tree_svgs(kb, tree)) for tree in _trees_for(kb, cause_id)],
        "forms": FORM_LABELS,
    }
    return templates.TemplateResponse(request, "cause.html", context)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def read_case_page(request: Request, case_id: str, doctor: DoctorDep) -> HTMLResponse:
    """Reopen a stored case: its redacted input, diagnosis, path walked and fixes."""
    try:
        doctor.case(case_id)
    except NotFoundError as exc:
        return _not_found(request, exc)
    context = {"title": f"Case {case_id}", "case_id": case_id}
    return templates.TemplateResponse(request, "case.html", context)


def _not_found(request: Request, exc: NotFoundError) -> HTMLResponse:
    context = {"title": "Not found", "message": exc.message}
    return templates.TemplateResponse(request, "not_found.html", context, status_code=404)


def _trees_for(kb: KnowledgeBase, cause_id: str) -> list[Tree]:
    """The cause's own tree first, then every other tree with a leaf at this cause."""
    own = [t for t in kb.trees.values() if t.kind == "cause" and t.cause == cause_id]
    others = [
        t for t in kb.trees.values() if t not in own and any(n.cause == cause_id for n in t.nodes)
    ]
    return [*own, *sorted(others, key=lambda t: t.id)]


def _tree_svgs(kb: KnowledgeBase, tree: Tree) -> tuple[Markup, Markup]:
    """The tree drawn for a page and for a narrow screen; CSS shows the one that fits."""
    titles: dict[str, str] = {c.id: c.title for c in kb.causes.values()}

    def link(cause: str) -> str:
        return f"/kb/{cause}"

    # render_tree escapes every text it draws, so its output is safe to embed as markup.
    wide = render_tree(tree, titles, link)
    narrow = render_tree(tree, titles, link, width=NARROW_WIDTH)
    return Markup(wide), Markup(narrow)
