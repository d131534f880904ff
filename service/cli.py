"""``doctor``: the developer and on-call command line (a thin adapter over the engine)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from index import cli as index_cli
from kb import cli as kb_cli
from service.config import Settings
from service.engine import Diagnosis
from service.engine.ranker import RankingWeights
from service.evaluation import evaluate, format_report, read_cases
from service.runtime import build_engine

APPROACHES = {
    "hybrid": RankingWeights(),
    "signatures": RankingWeights(dense_share=0.0),
    "dense": RankingWeights(signature_share=0.0, dense_share=1.0),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="doctor", description="Spark driver OOM troubleshooter")
    commands = parser.add_subparsers(dest="command", required=True)
    kb_parser = commands.add_parser("kb", help="lint, show and export the knowledge base")
    kb_cli.register(kb_parser.add_subparsers(dest="kb_command", required=True))
    index_cli.register(commands)

    ev = commands.add_parser("eval", help="accuracy and latency on labelled JSON-lines cases")
    ev.add_argument("files", nargs="+", type=Path)
    ev.add_argument("--approach", choices=sorted(APPROACHES), default="hybrid")
    ev.set_defaults(handler=_eval)

    dg = commands.add_parser("diagnose", help="diagnose a pasted error, log or symptom")
    dg.add_argument("file", help="a file, or - for standard input")
    dg.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    dg.set_defaults(handler=_diagnose)
    sv = commands.add_parser("serve", help="run the REST API (and the widget and Slack routes)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--workers", type=int, default=1)
    sv.set_defaults(handler=_serve)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run(
        "service.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
    )
    return 0


def _eval(args: argparse.Namespace) -> int:
    engine = build_engine(Settings(rebuild_stale_index=True))
    engine.weights = APPROACHES[args.approach]
    engine.diagnose("warm up")
    for path in args.files:
        report = evaluate(read_cases(path), engine.diagnose)
        print(format_report(f"{path} [{args.approach}]", report))
    return 0


def _diagnose(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(errors="replace")
    diagnosis = build_engine(Settings(rebuild_stale_index=True)).diagnose(text)
    print(diagnosis.model_dump_json(indent=2) if args.json else render_text(diagnosis))
    return 0


def render_text(diagnosis: Diagnosis) -> str:
    lines = [diagnosis.summary, f"verdict: {diagnosis.verdict}"]
    for rank, cause in enumerate(diagnosis.causes[:3], start=1):
        lines.append(f"{rank}. {cause.id}  {cause.confidence:.2f}  {cause.title}")
        for ev in cause.evidence[:3]:
            where = f"line {ev.line}: " if ev.line else ""
            lines.append(f"     - {ev.detail} ({ev.weight:+.2f}) {where}{ev.text[:120]}")
    if diagnosis.instead:
        lines += [f"instead: {diagnosis.instead.what}", f"look at: {diagnosis.instead.where}"]
    lines += [f"finding [{f.severity}]: {f.message}" for f in diagnosis.findings]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
