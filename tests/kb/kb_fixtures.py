"""A minimal knowledge base that lints clean, built from inline YAML; tests break it one way each.

Named ``kb_fixtures`` (not ``factories``) because pytest puts this folder on ``sys.path``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.lint import LintIssue, run_lint
from kb.loader import KnowledgeBase, load_kb
from kb.models import CAUSE_IDS

HEADER = """\
id: {id}
title: {title}
status: reviewed
description: A small entity of the lint test fixture.
author: driver-doctor
date: 2026-11-26
modified: 2026-11-26
"""

FACTS = """\
facts:
  oom_side:
    type: enum
    values: [driver, executor]
    description: Which process failed.
  oom_kind:
    type: enum
    values: [java_heap_space, gc_overhead]
    description: What ran out.
  num_tasks:
    type: number
    description: Largest task count.
  failing_thread:
    type: text
    description: Thread the error was thrown in.
"""

CAUSE = """\
explanation: The driver ran out of memory for the reason this fixture cause stands for.
memory_area: [jvm_heap]
diagnostics:
  - tool: Spark UI
    how: Open the Jobs tab.
    expect: One huge job.
fixes: [fix-{id}]
notes: {notes}
"""

SYMPTOMS = "cause: {cause}\nphrasings:\n" + "".join(
    f"  - {{cause}} phrasing {i}\n" for i in range(8)
)

FIX = """\
causes: [{cause}]
kind: config
summary: Give the driver more room for {cause}.
configs:
  - key: spark.driver.memory
    value: 8g
    scope: launch
verify: [The job finishes.]
"""

NOTE = """\
body: Client mode runs the driver inside the submitting process, so its heap is set at launch.
"""

TRIAGE_NODE = """\
  - id: leaf-{cause}
    type: leaf
    text: It is {cause}.
    cause: {cause}
"""

TRIAGE_OPTION = """\
      - id: opt-{cause}
        label: {cause}
        next: leaf-{cause}
"""

CAUSE_TREE = """\
kind: cause
cause: {cause}
start: confirm
nodes:
  - id: confirm
    type: question
    text: Does the stage have many tasks?
    facts: [num_tasks]
    options:
      - id: "yes"
        label: "Yes"
        next: done
        when:
          - fact: num_tasks
            at_least: 100000
      - id: "no"
        label: "No"
        next: done
    default: "yes"
  - id: done
    type: leaf
    text: Apply the fixes.
    cause: {cause}
"""

SIGNATURE = """\
kind: exception
pattern: 'java\\.lang\\.OutOfMemoryError: Java heap space'
points_to:
  - cause: collect_to_driver
    weight: 0.5
sets_facts:
  oom_kind: java_heap_space
examples:
  match:
    - 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'
  no_match:
    - 'java.lang.OutOfMemoryError: GC overhead limit exceeded'
"""


def entity(entity_id: str, body: str) -> str:
    """A full file: the header fields followed by ``body``."""
    return HEADER.format(id=entity_id, title=f"Fixture {entity_id}") + body


def triage_tree() -> str:
    return entity(
        "triage",
        "kind: triage\nstart: which\nnodes:\n"
        "  - id: which\n    type: question\n    text: Which cause is it?\n"
        "    facts: [oom_side]\n    options:\n"
        + "".join(TRIAGE_OPTION.format(cause=c) for c in CAUSE_IDS)
        + "        when:\n          - fact: oom_side\n            equals: driver\n"
        + "    default: opt-collect_to_driver\n"
        + "".join(TRIAGE_NODE.format(cause=c) for c in CAUSE_IDS),
    )


def minimal_kb_files() -> dict[str, str]:
    """Relative path -> YAML text of a knowledge base on which every check passes."""
    files = {"facts.yaml": FACTS, "trees/triage.yaml": triage_tree()}
    for c in CAUSE_IDS:
        notes = "[note-client]" if c == "client_mode_small_driver" else "[]"
        files[f"causes/{c}.yaml"] = entity(c, CAUSE.format(id=c, notes=notes))
        files[f"symptoms/{c}.yaml"] = entity(c, SYMPTOMS.format(cause=c))
        files[f"fixes/fix-{c}.yaml"] = entity(f"fix-{c}", FIX.format(cause=c))
        files[f"trees/cause-{c}.yaml"] = entity(f"cause-{c}", CAUSE_TREE.format(cause=c))
    files["notes/note-client.yaml"] = entity("note-client", NOTE)
    files["signatures/sig-heap.yaml"] = entity("sig-heap", SIGNATURE)
    return files


class FixtureKB:
    """Files of a throw-away knowledge base under ``base/data``; edit ``files``, then load."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "data"
        self.files = minimal_kb_files()

    def replace(self, name: str, old: str, new: str) -> None:
        assert old in self.files[name], f"{old!r} not in {name}"
        self.files[name] = self.files[name].replace(old, new)

    def write(self) -> Path:
        shutil.rmtree(self.root, ignore_errors=True)
        for name, text in self.files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return self.root

    def load(self) -> KnowledgeBase:
        return load_kb(self.write(), collect_errors=True)

    def lint(self) -> list[LintIssue]:
        return run_lint(self.load())

    def check_ids(self) -> set[str]:
        return {issue.check_id for issue in self.lint()}
