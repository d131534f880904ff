"""``python -m kb lint|show|schema``; ``register`` mounts the same commands under another CLI."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel

from kb.errors import KBError, KBLoadError, UnknownCauseError
from kb.lint import LintIssue, run_lint
from kb.lint.cases import lint_cases
from kb.lint.coverage import leaf_causes
from kb.loader import DEFAULT_ROOT, KINDS, KnowledgeBase, load_kb
from kb.models import Cause, FactVocabulary

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``lint``, ``show`` and ``schema`` sub-commands.

    Each sub-command stores its handler as ``handler``: call ``args.handler(args)`` after parsing;
    it returns the exit code.
    """
    lint = subparsers.add_parser("lint", help="check the knowledge base for problems")
    _add_root(lint)
    lint.add_argument("--exclusions", type=Path, help="lint exclusions file")
    lint.add_argument(
        "--fail-on-issues", action="store_true", help="exit 1 on warnings too, not only errors"
    )
    lint.set_defaults(handler=lint_command)

    show = subparsers.add_parser(
        "show", help="print everything the knowledge base knows of a cause"
    )
    show.add_argument("cause", metavar="CAUSE", help="cause id, e.g. collect_to_driver")
    _add_root(show)
    show.set_defaults(handler=show_command)

    schema = subparsers.add_parser("schema", help="write kb/schema/<kind>.schema.json")
    schema.add_argument("--out", type=Path, default=SCHEMA_DIR, help="output folder")
    schema.add_argument(
        "--check", action="store_true", help="exit 1 when the files differ instead of writing"
    )
    schema.set_defaults(handler=schema_command)


def _add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help=f"knowledge-base data folder (default {DEFAULT_ROOT})",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb", description="Driver Doctor knowledge base tools")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


def lint_command(args: argparse.Namespace) -> int:
    if args.root is not None and not args.root.is_dir():
        print(f"{args.root}: not a folder; pass the data folder (holding causes/, fixes/, ...)")
        return 2
    try:
        kb = load_kb(args.root, collect_errors=True)
        issues = run_lint(kb, exclusions_path=args.exclusions)
    except KBLoadError as exc:
        # Only the fact vocabulary and the exclusions file stop the run outright.
        print(f"{exc.location.path}: error entity-load: {exc.message}")
        return 1
    if args.root is None:
        cases, case_issues = lint_cases()
        issues = [*issues, *case_issues]
        print(f"case library: {len(cases)} cases, {len(case_issues)} issue(s)")
    for issue in issues:
        print(issue)
    print(_summary(kb, issues))
    errors = sum(issue.severity == "error" for issue in issues)
    return 1 if errors or (issues and args.fail_on_issues) else 0


def _summary(kb: KnowledgeBase, issues: Sequence[LintIssue]) -> str:
    if not issues:
        return f"kb lint: no issues in {len(kb.paths)} files"
    errors = sum(issue.severity == "error" for issue in issues)
    warnings = len(issues) - errors
    files = len({issue.path for issue in issues})
    return f"kb lint: {errors} error(s), {warnings} warning(s) in {files} file(s)"


def show_command(args: argparse.Namespace) -> int:
    try:
        kb = load_kb(args.root, collect_errors=True)
        cause = kb.cause(args.cause)
    except UnknownCauseError:
        valid = ", ".join(sorted(kb.causes))
        print(f"unknown cause {args.cause!r}; valid ids: {valid}", file=sys.stderr)
        return 2
    except KBError as exc:
        print(f"cannot load the knowledge base: {exc}", file=sys.stderr)
        return 2
    print("\n".join(describe_cause(kb, cause)))
    return 0


def describe_cause(kb: KnowledgeBase, cause: Cause) -> list[str]:
    """Human-readable report of one cause and everything linked to it."""
    lines = [f"{cause.id}: {cause.title}", ""]
    lines += textwrap.wrap(cause.explanation, width=100)
    rank = cause.frequency_rank if cause.frequency_rank is not None else "-"
    lines += ["", f"memory area: {', '.join(cause.memory_area)}", f"frequency rank: {rank}"]
    if cause.look_instead:
        lines.append(f"look instead: {cause.look_instead}")
    lines += _section("typical actions", cause.typical_actions)
    lines += _section("symptoms", kb.phrasings_for(cause.id))
    diagnostics = [f"{d.tool}: {d.how} -> expect {d.expect}" for d in cause.diagnostics]
    lines += _section("diagnostics", diagnostics)
    lines += _section("fixes", [_describe_fix(kb, fix_id) for fix_id in cause.fixes])
    notes = [
        f"{n}: {kb.notes[n].title}" if n in kb.notes else f"{n} (missing)" for n in cause.notes
    ]
    lines += _section("notes", notes)
    return lines + _section("trees", _trees_reaching(kb, cause.id))


def _section(title: str, items: Sequence[str]) -> list[str]:
    return ["", f"{title}:", *(f"  - {item}" for item in items)] if items else []


def _describe_fix(kb: KnowledgeBase, fix_id: str) -> str:
    fix = kb.fixes.get(fix_id)
    if fix is None:
        return f"{fix_id} (missing)"
    configs = [f"{c.key}={c.value} ({c.scope})" for c in fix.configs]
    parts = [f"{fix.id} [{fix.kind}]: {fix.summary}"]
    parts += [f"config: {'; '.join(configs)}"] if configs else []
    return "\n      ".join(parts)


def _trees_reaching(kb: KnowledgeBase, cause_id: str) -> list[str]:
    return [
        f"{tree.id} ({tree.kind})"
        for tree in sorted(kb.trees.values(), key=lambda t: (t.kind != "triage", t.id))
        if tree.cause == cause_id or cause_id in leaf_causes(tree)
    ]


def schema_documents() -> dict[str, str]:
    """File name -> JSON schema text of every knowledge-base file shape."""
    models: dict[str, type[BaseModel]] = {**KINDS, "facts": FactVocabulary}
    return {
        f"{kind}.schema.json": json.dumps(model.model_json_schema(), indent=2) + "\n"
        for kind, model in models.items()
    }


def schema_command(args: argparse.Namespace) -> int:
    out: Path = args.out
    stale = [
        name
        for name, text in schema_documents().items()
        if not (out / name).exists() or (out / name).read_text(encoding="utf-8") != text
    ]
    if args.check:
        for name in stale:
            print(f"{out / name}: out of date; run `python -m kb schema`")
        return 1 if stale else 0
    out.mkdir(parents=True, exist_ok=True)
    for name, text in schema_documents().items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(schema_documents())} schemas to {out} ({len(stale)} changed)")
    return 0
