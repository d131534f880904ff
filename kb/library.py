"""The case library: documented real incidents (``kb/cases/<id>.yaml``) with a locked split.

Each case is one public incident someone reported (or one real Spark run of ours): the
machine output as printed, the situation restated, and the cause the thread established.
Every case goes to ``tune`` or ``test`` by a hash of its source, fixed in the data before
any tuning: :func:`split_of` decides it and the loader refuses a file whose stored split
disagrees, so nobody can move a case between splits by hand.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kb.errors import KBLoadError, Location
from kb.models import CauseId

CASES_ROOT = Path(__file__).resolve().parent / "cases"
TEST_PERCENT = 40  # share of sources whose cases go to ``test``

Split = Literal["tune", "test"]
SourceKind = Literal[
    "issue_tracker", "qa", "mailing_list", "vendor_kb", "blog", "docs", "forum", "spark_run"
]
Confidence = Literal["high", "medium", "low"]
Platform = Literal[
    "databricks",
    "emr",
    "dataproc",
    "synapse",
    "fabric",
    "glue",
    "hdinsight",
    "cloudera",
    "yarn",
    "kubernetes",
    "standalone",
    "local",
    "mesos",
    "other",
    "unknown",
]
Language = Literal["pyspark", "scala", "java", "sql", "r", "sparklyr", "dotnet", "unknown"]
DeployMode = Literal["client", "cluster", "local", "unknown"]


def source_key(url: str) -> str:
    """The identity of a source: host and path, lower-cased, without scheme, ``www.``,
    trailing slash or fragment (a question's answers and its anchors are one source)."""
    if url.startswith("run:"):
        return url.lower()
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/").lower()
    if host.endswith("stackoverflow.com") or host.endswith("stackexchange.com"):
        # /questions/<id>/<slug> and /q/<id>: the number is the question.
        m = re.match(r"/(?:questions|q)/(\d+)", path)
        if m:
            path = f"/questions/{m.group(1)}"
    query = parts.query if host.endswith("mail-archive.com") or "thread" in path else ""
    return f"{host}{path}" + (f"?{query}" if query else "")


def split_of(url: str) -> Split:
    """``test`` for :data:`TEST_PERCENT` percent of sources, by a hash of the source key."""
    digest = hashlib.sha256(source_key(url).encode()).hexdigest()
    return "test" if int(digest[:8], 16) % 100 < TEST_PERCENT else "tune"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    url: str = Field(description="Where the incident was reported; run:<scenario> for our runs.")
    kind: SourceKind
    title: str | None = Field(default=None, max_length=300)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not (value.startswith(("https://", "http://")) or value.startswith("run:")):
            raise ValueError("source.url must be an http(s) URL or run:<scenario>")
        return value


class Context(_Strict):
    spark_version: str | None = None
    platform: Platform = "unknown"
    language: Language = "unknown"
    deploy_mode: DeployMode = "unknown"


class Case(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,100}$")
    source: Source
    label: CauseId
    confidence: Confidence
    why: str = Field(min_length=10, max_length=400, description="One line: why this label.")
    situation: str = Field(
        min_length=20,
        description="What the reporter saw and did, restated; never the answer.",
    )
    machine_output: str = Field(
        default="", description="Error messages, log lines, stack traces as printed."
    )
    resolution: str | None = Field(default=None, description="What fixed it, restated.")
    context: Context = Context()
    split: Split

    @property
    def text(self) -> str:
        """What a user would paste: the situation, then the machine output."""
        return (self.situation.strip() + "\n\n" + self.machine_output.strip()).strip()


def load_case(path: Path) -> Case:
    """One case file, validated, with its split checked against the hash of its source."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        case = Case.model_validate(raw)
    except (yaml.YAMLError, ValidationError, OSError) as exc:
        raise KBLoadError(Location(str(path)), str(exc)) from exc
    if case.id != path.stem:
        raise KBLoadError(Location(str(path)), f"id {case.id!r} differs from the file name")
    expected = split_of(case.source.url)
    if case.split != expected:
        raise KBLoadError(
            Location(str(path)),
            f"split is {case.split!r}; the hash of its source says {expected!r}",
        )
    return case


def iter_case_files(root: Path = CASES_ROOT) -> Iterator[Path]:
    yield from sorted(root.glob("*.yaml"))


def load_cases(root: Path = CASES_ROOT, split: Split | None = None) -> list[Case]:
    """Every case under ``root`` (optionally one split), in file-name order."""
    cases = [load_case(p) for p in iter_case_files(root)]
    return [c for c in cases if split is None or c.split == split]


def duplicate_sources(cases: Sequence[Case]) -> dict[str, list[str]]:
    """Source keys shared by more than one case (allowed only for distinct incidents)."""
    seen: dict[str, list[str]] = {}
    for case in cases:
        seen.setdefault(source_key(case.source.url), []).append(case.id)
    return {k: v for k, v in seen.items() if len(v) > 1}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kb.library split URL`` prints a source's split; ``check [FILE...]``
    validates case files (all of ``kb/cases`` without arguments) and prints the counts."""
    import argparse
    import sys
    from collections import Counter

    parser = argparse.ArgumentParser(prog="python -m kb.library")
    sub = parser.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("split")
    sp.add_argument("url")
    ck = sub.add_parser("check")
    ck.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.command == "split":
        sys.stdout.write(split_of(args.url) + "\n")
        return 0
    files = args.files or list(iter_case_files())
    cases, failed = [], 0
    for path in files:
        try:
            cases.append(load_case(path))
        except KBLoadError as exc:
            failed += 1
            sys.stderr.write(f"{exc}\n")
    counts = Counter(c.label for c in cases)
    for label, n in sorted(counts.items()):
        sys.stdout.write(f"{label:26} {n}\n")
    for key, ids in duplicate_sources(cases).items():
        sys.stdout.write(f"shared source {key}: {', '.join(ids)}\n")
    sys.stdout.write(f"{len(cases)} valid, {failed} invalid\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
