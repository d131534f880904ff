"""``doctor``: the command line. It runs the service (``serve``), its benchmark and evaluation,
manages API keys and the knowledge base, and is a channel itself (``diagnose``, rendered by
``channels/terminal.py``); it sits above everything it starts."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from index import DEFAULT_INDEX_DIR, IndexStoreError
from index import cli as index_cli
from kb import cli as kb_cli
from kb.errors import KBError
from service.api.schemas import DiagnoseResponse
from service.api.security import ApiKeyEntry, hash_key, key_file_entry, new_key
from service.channels.terminal import render_diagnosis, walk_interactively
from service.config import Settings
from service.core import Doctor
from service.engine.snippets import FORM_LABELS, FORMS
from service.engine.walk import Walker
from service.errors import DoctorError
from service.evaluation import (
    APPROACHES,
    SETS,
    EvalCase,
    by_split,
    evaluate,
    format_report,
    read_cases,
    standard_sets,
)
from service.runtime import build_engine
from service.storage.cases import CaseStore
from service.training import fit_and_save, index_cases


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="doctor", description="Spark driver OOM troubleshooter")
    commands = parser.add_subparsers(dest="command", required=True)
    kb_parser = commands.add_parser("kb", help="lint, show and export the knowledge base")
    kb_commands = kb_parser.add_subparsers(dest="kb_command", required=True)
    kb_cli.register(kb_commands)
    fit = kb_commands.add_parser(
        "fit", help="fit the ranking on the tune split (doctor index build does it too)"
    )
    fit.add_argument("--dir", type=Path, default=DEFAULT_INDEX_DIR, help="index folder")
    fit.set_defaults(handler=_fit)
    index_cli.register(commands)

    ev = commands.add_parser(
        "eval",
        help="top-1, top-3 and guided accuracy on the case library, the Spark runs or JSON lines",
    )
    ev.add_argument("files", nargs="*", type=Path, help="JSON-lines sets (default: the repo's)")
    ev.add_argument("--set", dest="sets", action="append", choices=SETS, help="repeatable")
    ev.add_argument("--split", choices=("tune", "test", "both"), default="both")
    ev.add_argument(
        "--approach",
        choices=["fitted", *sorted(APPROACHES)],
        default="fitted",
        help="fitted: the ranking fitted on tune (default); hybrid: the KB's hand weights",
    )
    ev.set_defaults(handler=_eval)

    dg = commands.add_parser("diagnose", help="diagnose a pasted error, log or symptom")
    dg.add_argument("file", nargs="?", help="a file, or - for standard input")
    dg.add_argument(
        "--event-log",
        type=Path,
        metavar="PATH",
        help="a Spark event log file (plain, lz4, lzf, snappy, zstd, gz) or rolling log folder",
    )
    dg.add_argument("--json", action="store_true", help="print the REST API's response body")
    dg.add_argument("--interactive", action="store_true", help="walk the questions here")
    dg.add_argument(
        "--form",
        choices=FORMS,
        default="spark_submit",
        help="how config is shown: "
        + ", ".join(f"{form} ({label})" for form, label in FORM_LABELS.items()),
    )
    dg.set_defaults(handler=_diagnose)
    bn = commands.add_parser("bench", help="latency, throughput and accuracy figures")
    bn.add_argument("bench_args", nargs=argparse.REMAINDER, help="--quick, --workers N, ...")
    sv = commands.add_parser("serve", help="run the REST API (and the widget and Slack routes)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument(
        "--workers",
        type=_worker_count,
        help="worker processes forked from one loaded engine (default: DOCTOR_WORKERS or 1)",
    )
    sv.set_defaults(handler=_serve)

    keys = commands.add_parser("keys", help="API keys for the REST API")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    kc = key_commands.add_parser("create", help="make a new key; prints it once, and its hash")
    kc.add_argument("name", help="who the key is for, e.g. ci-pipeline")
    kc.add_argument("--rate-limit", type=int, metavar="N", help="its own limit, calls a minute")
    kc.set_defaults(handler=_create_key)
    return parser


def _serve(args: argparse.Namespace) -> int:
    from service.operations import server

    try:
        return server.serve(Settings(), args.host, args.port, args.workers)
    except IndexStoreError as exc:
        print(f"doctor serve: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is taken
        print(f"doctor serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2


def _worker_count(raw: str) -> int:
    try:
        count = int(raw)
    except ValueError:
        count = 0
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError(f"--workers takes a number from 1 to 64, not {raw!r}")
    return count


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
    settings = Settings(rebuild_stale_index=True)
    engine = build_engine(settings)
    engine.weights = APPROACHES["hybrid" if args.approach == "fitted" else args.approach]
    if args.approach != "fitted":
        engine.fitted = None
    engine.diagnose("warm up")
    walker = Walker(engine.kb, settings.state_secret.get_secret_value().encode())
    splits = ("tune", "test") if args.split == "both" else (args.split,)
    named: list[tuple[str, list[EvalCase], bool]] = []
    try:
        for path in args.files:
            named.append((str(path), read_cases(path), True))
        if args.sets or not args.files:
            for name, cases in standard_sets(args.sets or SETS).items():
                for split, part in by_split(cases, splits).items():
                    named.append((f"{name} / {split}", part, split != "test"))
    except (OSError, ValueError, KBError) as exc:
        print(f"doctor eval: {exc}", file=sys.stderr)
        return 2
    for name, cases, list_misses in named:
        report = evaluate(cases, engine.diagnose, engine.diagnose_event_log, walker)
        print(format_report(f"{name} [{args.approach}]", report, list_misses))
        print()
    return 0


def _diagnose(args: argparse.Namespace) -> int:
    if (args.file is None) == (args.event_log is None):
        print("doctor diagnose: give a FILE (or -) or --event-log PATH", file=sys.stderr)
        return 2
    settings = Settings(rebuild_stale_index=True)
    store = CaseStore(settings.resolved_database_url)
    doctor = Doctor(settings, build_engine(settings), store)
    try:
        if args.event_log is not None:
            result = doctor.troubleshoot_event_log(args.event_log, channel="cli")
        else:
            text = _read(args.file)
            result = doctor.troubleshoot(text, channel="cli")
    except (DoctorError, OSError) as exc:
        print(f"doctor diagnose: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 1
    if args.json:
        body = DiagnoseResponse.of(result)
        print(body.model_dump_json(indent=2))
        return 0
    print(render_diagnosis(result.diagnosis))
    print(f"case: {result.case_id}")
    if args.interactive:
        ask = input if args.file != "-" else _terminal_ask()
        if ask is None:
            print(
                "The paste came on standard input and there is no terminal to ask on: "
                f"reopen case {result.case_id} to answer the questions.",
                file=sys.stderr,
            )
            return 0
        return walk_interactively(doctor, result, ask, print, args.form)
    return 0


def _terminal_ask() -> Callable[[str], str] | None:
    """Questions go to the terminal itself when standard input was the paste."""
    try:
        tty = open("/dev/tty", "r+", encoding="utf-8")  # noqa: SIM115 (lives for the walk)
    except OSError:
        return None

    def ask(prompt: str) -> str:
        tty.write(prompt)
        tty.flush()
        line = tty.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    return ask


def _read(name: str) -> str:
    return sys.stdin.read() if name == "-" else Path(name).read_text(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["bench"] and words[1:2] != ["-h"]:
        # The benchmark has its own options (--quick, --workers): hand them over untouched.
        from service.operations import bench

        return bench.main(words[1:])
    args = build_parser().parse_args(words)
    try:
        status = int(args.handler(args))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`doctor kb show ... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if status == 0 and args.command == "index" and args.index_command == "build":
        # The fitted ranking is part of what the index folder holds for the service.
        if args.embedder == "minilm":
            status = _fit(args)
    return status


def _existing_store(settings: Settings) -> CaseStore | None:
    """The service's database when it already exists (a build never creates one)."""
    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    return CaseStore(url)


def _fit(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        settings = Settings(index_dir=args.dir, rebuild_stale_index=True)
        engine = build_engine(settings, fitted=False)
        store = _existing_store(settings)
        cases = index_cases(engine, args.dir, store)
        fitted = fit_and_save(engine, args.dir)
    except (IndexStoreError, KBError, SQLAlchemyError) as exc:
        print(f"doctor kb fit: {exc}", file=sys.stderr)
        return 1
    local = sum(e.local for e in cases.manifest.entries)
    print(
        f"solved cases indexed: {len(cases.manifest.entries) - local} from the library's tune "
        f"split, {local} confirmed here"
    )
    r = fitted.report
    print(
        f"fitted the ranking on {r['samples']} tune samples from {r['groups']} sources in "
        f"{time.perf_counter() - started:.1f} s: cross-validated top-1 {r['cv_top1_fitted']:.3f} "
        f"(hand weights {r['cv_top1_hand']:.3f}), ECE {r['cv_ece']:.3f}, "
        f"temperature {fitted.temperature:.2f} (reports in words "
        f"{fitted.words_temperature:.2f}, logs {fitted.kind_temperatures['log']:.2f}, "
        f"event logs {fitted.kind_temperatures['event_log']:.2f}), penalty {r['penalty']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
