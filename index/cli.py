"""``doctor index build`` / ``doctor index status`` (also ``python -m index``)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from index.embedder import Embedder, HashEmbedder, SentenceTransformerEmbedder
from index.errors import IndexStoreError
from index.store import DEFAULT_INDEX_DIR, build_index, load_index, save_index
from kb import load_kb


def _embedder(name: str) -> Embedder:
    return HashEmbedder() if name == "hash" else SentenceTransformerEmbedder()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("index", help="build or check the embedding index")
    commands = parser.add_subparsers(dest="index_command", required=True)
    build = commands.add_parser("build", help="embed the KB's symptom phrasings and save the index")
    status = commands.add_parser("status", help="say whether the saved index matches the KB")
    for sub in (build, status):
        sub.add_argument("--dir", type=Path, default=DEFAULT_INDEX_DIR, help="index folder")
        sub.add_argument("--embedder", choices=["minilm", "hash"], default="minilm")
    build.set_defaults(handler=_build)
    status.set_defaults(handler=_status)


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    kb = load_kb()
    index = build_index(kb, _embedder(args.embedder))
    save_index(index, args.dir)
    elapsed = time.perf_counter() - started
    print(
        f"built {len(index.manifest.entries)} entries ({index.manifest.model}, "
        f"dim {index.manifest.dimension}, kb {kb.version}) into {args.dir} in {elapsed:.1f} s"
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    kb = load_kb()
    try:
        index = load_index(kb, _embedder(args.embedder), args.dir)
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
