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
from service.errors import DoctorError
from service.evaluation import evaluate, format_report, read_cases
from service.logging import log_config
from service.runtime import build_engine
from service.security import ApiKeyEntry, hash_key, key_file_entry, new_key

APPROACHES = {
    "hybrid": RankingWeights(),
    "signatures": RankingWeights(dense_share=0.0),
    "dense": RankingWeights(signature_share=0.0, dense_share=1.0),
    "keyword": RankingWeights(signature_share=0.0, dense_share=1.0, similarity="keyword"),
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
    dg.add_argument("file", nargs="?", help="a file, or - for standard input")
    dg.add_argument(
        "--event-log",
        type=Path,
        metavar="PATH",
        help="a Spark event log file (plain, lz4, lzf, snappy, zstd, gz) or rolling log folder",
    )
    dg.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    dg.set_defaults(handler=_diagnose)
    sv = commands.add_parser("serve", help="run the REST API (and the widget and Slack routes)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--workers", type=int, default=1)
    sv.set_defaults(handler=_serve)

    keys = commands.add_parser("keys", help="API keys for the REST API")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    kc = key_commands.add_parser("create", help="make a new key; prints it once, and its hash")
    kc.add_argument("name", help="who the key is for, e.g. ci-pipeline")
    kc.add_argument("--rate-limit", type=int, metavar="N", help="its own limit, calls a minute")
    kc.set_defaults(handler=_create_key)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    level = Settings().log_level
    uvicorn.run(
        "service.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=log_config(level),
        log_level=level,
        access_log=False,  # service.logging.AccessLogMiddleware logs each request as JSON
    )
    return 0


def _create_key(args: argparse.Namespace) -> int:
    try:
        entry = ApiKeyEntry(name=args.name, sha256="0" * 64, rate_limit_per_minute=args.rate_limit)
    except ValueError:
        print(
            "doctor keys create: NAME is up to 64 letters, digits, '.', '@', '_' or '-'; "
            "--rate-limit is a positive number",
            file=sys.stderr,
        )
        return 2
    key = new_key()
    print(f"API key for {entry.name} (shown once; the service stores only its hash):\n  {key}\n")
    print(f"Add to DOCTOR_API_KEYS (comma-separated):\n  {entry.name}:{hash_key(key)}\n")
    print("or to the DOCTOR_API_KEYS_FILE list under `keys:`:")
    print(key_file_entry(entry.name, key, args.rate_limit))
    return 0


def _eval(args: argparse.Namespace) -> int:
    engine = build_engine(Settings(rebuild_stale_index=True))
    engine.weights = APPROACHES[args.approach]
    engine.diagnose("warm up")
    for path in args.files:
        try:
            cases = read_cases(path)
        except (OSError, ValueError) as exc:
            print(f"doctor eval: {exc}", file=sys.stderr)
            return 2
        report = evaluate(cases, engine.diagnose)
        print(format_report(f"{path} [{args.approach}]", report))
    return 0


def _diagnose(args: argparse.Namespace) -> int:
    if (args.file is None) == (args.event_log is None):
        print("doctor diagnose: give a FILE (or -) or --event-log PATH", file=sys.stderr)
        return 2
    engine = build_engine(Settings(rebuild_stale_index=True))
    if args.event_log is not None:
        try:
            diagnosis = engine.diagnose_event_log(args.event_log)
        except (DoctorError, OSError) as exc:
            print(f"doctor diagnose: {exc}", file=sys.stderr)
            return 1
        print(diagnosis.model_dump_json(indent=2) if args.json else render_text(diagnosis))
        return 0
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(errors="replace")
    diagnosis = engine.diagnose(text)
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
    if diagnosis.input.kind == "event_log":
        lines += [
            f"fact: {f.name} = {f.value}" + (f" (line {f.line}: {f.text[:100]})" if f.line else "")
            for f in diagnosis.facts
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
