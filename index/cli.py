"""``doctor index build`` / ``doctor index status`` (also ``python -m index``)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from index.build import build_and_save, open_embedder
from index.errors import IndexStoreError
from index.store import DEFAULT_INDEX_DIR, load_index
from kb import load_kb


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("index", help="build or check the embedding index")
    commands = parser.add_subparsers(dest="index_command", required=True)
    build = commands.add_parser(
        "build", help="export the model, embed the KB's symptom phrasings and save the index"
    )
    status = commands.add_parser("status", help="say whether the saved index matches the KB")
    for sub in (build, status):
        sub.add_argument("--dir", type=Path, default=DEFAULT_INDEX_DIR, help="index folder")
        sub.add_argument("--embedder", choices=["minilm", "hash"], default="minilm")
    build.set_defaults(handler=_build)
    status.set_defaults(handler=_status)


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    kb = load_kb()
    try:
        built = build_and_save(kb, args.dir, args.embedder)
    except IndexStoreError as exc:
        print(f"index: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    manifest = built.index.manifest
    print(
        f"built {len(manifest.entries)} entries ({manifest.model}, "
        f"dim {manifest.dimension}, kb {kb.version}) into {args.dir} in {elapsed:.1f} s"
    )
    if built.agreement is not None:
        print(
            "model exported to ONNX; its vectors match sentence-transformers' "
            f"(lowest cosine {built.agreement:.7f})"
        )
    return 0


def _status(args: argparse.Namespace) -> int:
    kb = load_kb()
    try:
        index = load_index(kb, open_embedder(args.embedder, args.dir), args.dir)
    except IndexStoreError as exc:
        print(f"index: {exc}", file=sys.stderr)
        return 1
    print(f"index ok: {len(index.manifest.entries)} entries for kb {kb.version} in {args.dir}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["index", *(argv if argv is not None else sys.argv[1:])])
    return int(args.handler(args))
