"""Read ``kb/data`` into a validated, immutable :class:`KnowledgeBase`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from kb.errors import KBLoadError, Location, UnknownCauseError, UnknownEntityError
from kb.models import (
    Cause,
    Entity,
    FactRule,
    FactSpec,
    FactVocabulary,
    Fix,
    Note,
    Signature,
    SymptomSet,
    Tree,
    VagueSet,
)

DEFAULT_ROOT = Path(__file__).resolve().parent / "data"
# libyaml's parser where PyYAML was built with it: the same safe schema, 10x faster (the KB
# loads in every worker's cold start).
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Folder name -> model of the files in it. The folder is the entity kind.
KINDS: dict[str, type[Entity]] = {
    "causes": Cause,
    "symptoms": SymptomSet,
    "signatures": Signature,
    "fixes": Fix,
    "trees": Tree,
    "notes": Note,
    "rules": FactRule,
    "vague": VagueSet,
}

FACTS_FILE = "facts.yaml"

E = TypeVar("E", bound=Entity)


@dataclass(frozen=True)
class KnowledgeBase:
    """Every entity of the knowledge base, keyed by id within its kind."""

    root: Path
    causes: dict[str, Cause]
    symptoms: dict[str, SymptomSet]
    signatures: dict[str, Signature]
    fixes: dict[str, Fix]
    trees: dict[str, Tree]
    notes: dict[str, Note]
    rules: dict[str, FactRule]
    vague: dict[str, VagueSet]
    facts: dict[str, FactSpec]
    paths: dict[tuple[str, str], Path]
    content_hash: str
    load_errors: tuple[KBLoadError, ...] = field(default=())

    @property
    def version(self) -> str:
        """Short, stable identifier of this exact knowledge-base content."""
        return self.content_hash[:12]

    def cause(self, cause_id: str) -> Cause:
        try:
            return self.causes[cause_id]
        except KeyError:
            raise UnknownCauseError(cause_id) from None

    def fix(self, fix_id: str) -> Fix:
        return _get(self.fixes, "fix", fix_id)

    def tree(self, tree_id: str) -> Tree:
        return _get(self.trees, "tree", tree_id)

    def note(self, note_id: str) -> Note:
        return _get(self.notes, "note", note_id)

    def fixes_for(self, cause_id: str) -> list[Fix]:
        return [self.fixes[f] for f in self.cause(cause_id).fixes if f in self.fixes]

    def phrasings_for(self, cause_id: str) -> list[str]:
        return [p for s in self.symptoms.values() if s.cause == cause_id for p in s.phrasings]

    def tree_for_cause(self, cause_id: str) -> Tree | None:
        self.cause(cause_id)
        return next((t for t in self.trees.values() if t.cause == cause_id), None)

    def triage_tree(self) -> Tree:
        return next(t for t in self.trees.values() if t.kind == "triage")


def _get(entities: dict[str, E], kind: str, entity_id: str) -> E:
    try:
        return entities[entity_id]
    except KeyError:
        raise UnknownEntityError(kind, entity_id) from None


def load_kb(root: Path | str | None = None, *, collect_errors: bool = False) -> KnowledgeBase:
    """Load and validate every YAML file under ``root`` (default: the packaged ``kb/data``).

    Args:
        root: folder holding one sub-folder per kind (``causes``, ``fixes``, ...).
        collect_errors: keep going past invalid files and report them all in
            ``KnowledgeBase.load_errors`` instead of raising the first one.

    Returns:
        The knowledge base; with ``collect_errors`` it holds only the valid entities.

    Raises:
        KBLoadError: a file is unreadable or does not fit its model (unless collecting).
    """
    base = Path(root) if root is not None else DEFAULT_ROOT
    loaded: dict[str, dict[str, Entity]] = {kind: {} for kind in KINDS}
    paths: dict[tuple[str, str], Path] = {}
    errors: list[KBLoadError] = []
    for kind, path in _data_files(base):
        try:
            entity = _load_file(path, KINDS[kind], base)
        except KBLoadError as exc:
            if not collect_errors:
                raise
            errors.append(exc)
            continue
        if entity.id in loaded[kind]:
            duplicate = KBLoadError(_loc(path, base, "id"), f"duplicate {kind} id {entity.id!r}")
            if not collect_errors:
                raise duplicate
            errors.append(duplicate)
            continue
        loaded[kind][entity.id] = entity
        paths[(kind, entity.id)] = path
    return KnowledgeBase(
        root=base,
        causes=_typed(loaded["causes"], Cause),
        symptoms=_typed(loaded["symptoms"], SymptomSet),
        signatures=_typed(loaded["signatures"], Signature),
        fixes=_typed(loaded["fixes"], Fix),
        trees=_typed(loaded["trees"], Tree),
        notes=_typed(loaded["notes"], Note),
        rules=_typed(loaded["rules"], FactRule),
        vague=_typed(loaded["vague"], VagueSet),
        facts=_load_facts(base),
        paths=paths,
        content_hash=content_hash(base),
        load_errors=tuple(errors),
    )


def _load_facts(base: Path) -> dict[str, FactSpec]:
    path = base / FACTS_FILE
    if not path.exists():
        return {}
    try:
        vocabulary = FactVocabulary.model_validate(_parse(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise KBLoadError(_loc(path, base), f"invalid fact vocabulary: {exc}") from None
    return vocabulary.facts


def _typed(entities: dict[str, Entity], model: type[E]) -> dict[str, E]:
    return {k: v for k, v in entities.items() if isinstance(v, model)}


def _data_files(base: Path) -> Iterator[tuple[str, Path]]:
    for kind in KINDS:
        for path in sorted((base / kind).glob("*.y*ml")):
            yield kind, path


def content_hash(base: Path) -> str:
    """SHA-256 over every data file's relative path and bytes, in a fixed order."""
    digest = hashlib.sha256()
    files = [p for _, p in _data_files(base)]
    if (base / FACTS_FILE).exists():
        files.append(base / FACTS_FILE)
    for path in files:
        digest.update(path.relative_to(base).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _loc(
    path: Path, base: Path, field_name: str | None = None, line: int | None = None
) -> Location:
    try:
        shown = path.relative_to(base.parent).as_posix()
    except ValueError:
        shown = str(path)
    return Location(shown, line, field_name)


def _load_file(path: Path, model: type[E], base: Path) -> E:
    text = path.read_text(encoding="utf-8")
    try:
        raw = _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise KBLoadError(_loc(path, base, line=line), f"invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise KBLoadError(_loc(path, base), "expected a mapping at the top level")
    try:
        entity = model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        field_name = ".".join(str(part) for part in loc) or None
        line = _line_of(text, loc)
        raise KBLoadError(_loc(path, base, field_name, line), first["msg"]) from None
    if entity.id != path.stem:
        raise KBLoadError(
            _loc(path, base, "id", _line_of(text, ("id",))),
            f"id {entity.id!r} does not match the file name {path.stem!r}",
        )
    return entity


def _parse(text: str) -> Any:
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader, C or Python


def _line_of(text: str, loc: Sequence[Any]) -> int | None:
    """1-based line of the YAML node at ``loc`` (the deepest part of it that exists)."""
    node = yaml.compose(text)
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]  # type: ignore[no-any-return]
    return None
