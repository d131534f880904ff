"""The guided walk: from a diagnosis to a fix page with as few questions as possible.

Each step replays the walk from the tree's start using the state the client sent back: user
answers are looked up, questions a fact can answer are answered from the evidence (and say
which line), and the first question left open is asked. A leaf yields the fix page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kb import KnowledgeBase, Node, Tree
from kb.models import (
    ANSWER_NO_MATCH,
    ANSWER_NONE,
    ANSWER_UNKNOWN,
    CodeChange,
    FactCondition,
    Option,
)
from service.engine import snippets, values
from service.engine.conditions import first_satisfying
from service.engine.state import (
    DEFAULT_LIFETIME,
    StateFact,
    WalkState,
    decode_state,
    encode_state,
)
from service.engine.types import Diagnosis
from service.engine.units import parse_size
from service.errors import InvalidAnswerError, InvalidStateError, NotFoundError

UNKNOWN = ANSWER_UNKNOWN
# The ways out: "none of these" on a question, "this does not match" on a fix page.
NONE = ANSWER_NONE
NO_MATCH = ANSWER_NO_MATCH
NONE_LABEL = "None of these / that is not what I see"
NO_MATCH_LABEL = "This does not match what I see"
MIN_FEEDBACK = 5
MAX_FACT_VALUES = 4
# Causes at or above this confidence are the walk's hypotheses, tried in order when the user
# leaves a tree; they also steer "I don't know" answers.
HYPOTHESIS_CONFIDENCE = 0.02
# Trees tried after the hypotheses, in this order, before the walk says nothing matches.
FALLBACK_TREES = ("triage", "debug-workflow")
# A cause ranked at least this likely answers the questions that only confirm it (the answer
# says so and can be changed); below it, they are asked.
SURE = 0.85
# Where the walk starts: the trees of this many leading causes and triage are weighed, and
# another start must beat the first-ranked cause's tree by this many bits of information.
INFORMATIVE_TREES = 3
INFORMATION_MARGIN = 0.25


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class OptionView(_View):
    id: str
    label: str


class AnsweredQuestion(_View):
    node: str
    question: str
    option: str
    label: str
    how: Literal["auto", "user", "unknown", "way_out"]
    because: str
    line: int | None = None
    text: str = ""
    # For an answer taken from the evidence or guessed: the options the user can change it to
    # (answer this node with one of them; the walk goes on from there).
    options: list[OptionView] = []


class QuestionView(_View):
    node: str
    text: str
    help: str | None
    options: list[OptionView]
    unknown_label: str = "I don't know"
    # Answer ``none`` to leave this tree for the next hypothesis (what was learned is kept).
    none_label: str = NONE_LABEL


class FixStat(_View):
    fixed: int = 0
    not_helped: int = 0

    @property
    def total(self) -> int:
        return self.fixed + self.not_helped


class CodeView(CodeChange):
    # The config forms this change is shown with (the PySpark form: Python code, ...).
    forms: list[str]


class FixView(_View):
    id: str
    title: str
    summary: str
    kind: str
    snippets: dict[str, str]
    computed: list[str]
    code: list[CodeView]
    verify: list[str]
    caveats: list[str]
    fixed: int
    not_helped: int
    ordered_by_feedback: bool


class DiagnosticView(_View):
    tool: str
    how: str
    expect: str


class NoteView(_View):
    id: str
    title: str
    body: str


class FormView(_View):
    """A form config can be shown in, and what to call it."""

    id: str
    label: str


def _forms() -> list[FormView]:
    return [FormView(id=form, label=label) for form, label in snippets.FORM_LABELS.items()]


class FixPage(_View):
    leaf: str
    cause: str
    title: str
    conclusion: str
    fixes: list[FixView]
    diagnostics: list[DiagnosticView]
    notes: list[NoteView]
    # Answer ``no_match`` on node ``leaf`` to rule this cause out and go on to the next one.
    reject_label: str = NO_MATCH_LABEL
    # The forms each fix's ``snippets`` are keyed by, in order, with their names.
    forms: list[FormView] = Field(default_factory=_forms)


class RuledOutView(_View):
    cause: str
    title: str


class Step(_View):
    """One step of a walk. ``none_left``: every hypothesis was tried and left; ``message`` says
    what was ruled out and where to look next."""

    kind: Literal["question", "fix", "none_left"]
    tree: str
    tree_title: str
    answered: list[AnsweredQuestion]
    question: QuestionView | None = None
    fix_page: FixPage | None = None
    state: str
    ruled_out: list[RuledOutView] = []
    # Trees this walk left behind, in order (their answers are in ``answered``).
    left: list[str] = []
    message: str | None = None


FixStats = Callable[[str], Mapping[str, FixStat]]


def _no_stats(_cause: str) -> Mapping[str, FixStat]:
    return {}


@dataclass
class Walker:
    """Starts and advances walks over one knowledge base; holds no per-walk data."""

    kb: KnowledgeBase
    secret: bytes
    fix_stats: FixStats = _no_stats
    # Seconds a state token stays good after the step that issued it.
    lifetime: float = DEFAULT_LIFETIME
    # Start at the most informative first question (False: the first-ranked cause's tree).
    choose_by_information: bool = True

    def __post_init__(self) -> None:
        # The facts some tree's auto-answers read: a walk keeps those (and the numbers fixes
        # are computed from) whatever tree it moves to.
        self._walk_facts = set().union(*(_tree_facts(t) for t in self.kb.trees.values()))

    def start(self, diagnosis: Diagnosis, case_id: str | None = None) -> Step:
        tree = self._first_tree(diagnosis)
        state = WalkState(
            kb=self.kb.version,
            tree=tree.id,
            facts=_state_facts(diagnosis, self._walk_facts),
            ranked=[c.id for c in diagnosis.causes if c.confidence >= HYPOTHESIS_CONFIDENCE],
            case=case_id,
        )
        top = diagnosis.causes[0] if diagnosis.causes else None
        if top is not None and diagnosis.verdict != "unknown" and top.confidence >= SURE:
            state = state.model_copy(update={"sure": top.id, "sure_p": top.confidence})
        # An unknown verdict starts at triage: its probabilities are too flat to choose by.
        if self.choose_by_information and diagnosis.verdict != "unknown":
            state = self._most_informative_start(state, diagnosis)
        return self._step(self._settle(state))

    def _most_informative_start(self, state: WalkState, diagnosis: Diagnosis) -> WalkState:
        """Start where the first open question best separates the hypotheses: among the trees
        of the leading causes and triage, the one whose question has the highest expected
        information gain over the calibrated probabilities. The first-ranked cause's tree
        keeps the start unless another question is clearly (INFORMATION_MARGIN bits) better,
        and a tree its evidence already walks to a fix page is never left."""
        probabilities = {c.id: c.confidence for c in diagnosis.causes}
        if not probabilities:
            return state
        first = self._replay(state)
        if first.pending is None:
            return state
        candidates = [
            tree.id
            for cause in state.ranked[:INFORMATIVE_TREES]
            if (tree := self.kb.tree_for_cause(cause)) is not None
        ] + [self.kb.triage_tree().id]
        best, best_gain = state, information_gain(first.tree, first.pending, probabilities)
        for tree_id in dict.fromkeys(candidates):
            if tree_id == state.tree:
                continue
            trial = state.model_copy(update={"tree": tree_id})
            replay = self._replay(trial)
            if replay.pending is None:
                continue
            gain = information_gain(replay.tree, replay.pending, probabilities)
            if gain > best_gain + INFORMATION_MARGIN:
                best, best_gain = trial, gain
        return best

    def start_tree(self, tree_id: str, case_id: str | None = None) -> Step:
        """A walk of one tree with no evidence (e.g. a user picking a tree from the KB pages)."""
        if tree_id not in self.kb.trees:
            raise NotFoundError("tree", tree_id, sorted(self.kb.trees))
        return self._step(WalkState(kb=self.kb.version, tree=tree_id, case=case_id))

    def answer(self, token: str, node: str, option: str) -> Step:
        """Answer the open question (an option, ``unknown`` or ``none``), or reject the fix
        page reached (node: its leaf, option ``no_match``)."""
        state = self.decode(token)
        if state.exhausted:
            raise InvalidAnswerError(
                "this walk has tried every cause and has no question left; start a new diagnosis",
                "answer",
            )
        replay = self._replay(state)
        current = replay.pending
        overridable = {a.node: a for a in replay.answered if a.options}
        if node in overridable and (current is None or node != current.id):
            choices = [o.id for o in overridable[node].options]
            if option not in choices:
                raise InvalidAnswerError(
                    f"option {option!r} does not answer {node!r}; choose one of "
                    f"{', '.join(choices)}",
                    "option",
                )
            answers = {**state.answers, node: option}
            return self._step(self._settle(state.model_copy(update={"answers": answers})))
        if current is None:
            leaf = replay.leaf
            assert leaf is not None and leaf.cause is not None
            if node == leaf.id and option == NO_MATCH:
                ruled_out = [*state.ruled_out, leaf.cause]
                return self._step(self._settle(state.model_copy(update={"ruled_out": ruled_out})))
            raise InvalidAnswerError(
                f"this walk has reached its fix page ({leaf.id!r}); to say it does not match, "
                f"answer node {leaf.id!r} with option {NO_MATCH!r}",
                "answer",
            )
        if node != current.id:
            raise InvalidAnswerError(
                f"question {node!r} is neither the open question ({current.id!r}) nor one "
                "answered from the evidence",
                "node",
            )
        valid = [o.id for o in current.options] + [UNKNOWN, NONE]
        if option not in valid:
            raise InvalidAnswerError(
                f"option {option!r} does not answer {node!r}; choose one of {', '.join(valid)}",
                "option",
            )
        if option == NONE:
            exits = {**state.exits, state.tree: node}
            return self._step(self._settle(state.model_copy(update={"exits": exits})))
        answers = {**state.answers, node: option}
        return self._step(self._settle(state.model_copy(update={"answers": answers})))

    def decode(self, token: str) -> WalkState:
        state = decode_state(token, self.secret, self.kb.version, self.lifetime)
        if state.tree not in self.kb.trees:
            raise InvalidStateError(f"unknown tree {state.tree!r}")
        return state

    def step(self, token: str) -> Step:
        """The step a state token stands for (to show it again, e.g. shared in a channel)."""
        return self._step(self.decode(token))

    # --- leaving a tree -------------------------------------------------------------------

    def _settle(self, state: WalkState) -> WalkState:
        """Move on while the current tree was left ("none of these") or ends on a ruled-out
        cause: to the next hypothesis's tree, then triage and the debug workflow, and when every
        one was tried, to ``exhausted``."""
        for _ in range(len(self.kb.trees) + 1):
            if state.exhausted:
                return state
            replay = self._replay(state)
            stuck = replay.leaf is not None and replay.leaf.cause in state.ruled_out
            if not (replay.exited or stuck):
                return state
            following = self._next_tree(state)
            if following is None:
                return state.model_copy(update={"exhausted": True})
            trail = [*state.trail, state.tree]
            state = state.model_copy(update={"trail": trail, "tree": following})
        return state.model_copy(update={"exhausted": True})

    def _next_tree(self, state: WalkState) -> str | None:
        tried = {*state.trail, state.tree}
        candidates = [
            tree.id
            for cause in state.ranked
            if cause not in state.ruled_out and (tree := self.kb.tree_for_cause(cause)) is not None
        ]
        candidates += [t for t in FALLBACK_TREES if t in self.kb.trees]
        return next((t for t in candidates if t not in tried), None)

    def _answered(self, state: WalkState, current: _Replay | None = None) -> list[AnsweredQuestion]:
        """Every answer of the walk: the trees left behind, then the current one (``current``:
        its replay, when the caller has it)."""
        answered: list[AnsweredQuestion] = []
        for tree_id in state.trail:
            replay = self._replay(state, tree_id)
            answered += replay.answered
            leaf = replay.leaf
            if leaf is not None and leaf.cause in state.ruled_out:
                title = self.kb.causes[leaf.cause].title if leaf.cause in self.kb.causes else ""
                answered.append(
                    AnsweredQuestion(
                        node=leaf.id,
                        question=f"Does this match: {title}?",
                        option=NO_MATCH,
                        label=NO_MATCH_LABEL,
                        how="way_out",
                        because="you said this fix page does not match what you see",
                    )
                )
        return answered + (current or self._replay(state)).answered

    # --- replay ---------------------------------------------------------------------------

    def _first_tree(self, diagnosis: Diagnosis) -> Tree:
        if diagnosis.verdict != "unknown" and diagnosis.causes:
            tree = self.kb.tree_for_cause(diagnosis.causes[0].id)
            if tree is not None:
                return tree
        return self.kb.triage_tree()

    def _replay(self, state: WalkState, tree_id: str | None = None) -> _Replay:
        tree = self.kb.tree(tree_id or state.tree)
        nodes = {n.id: n for n in tree.nodes}
        node = nodes[tree.start]
        answered: list[AnsweredQuestion] = []
        # A tree is acyclic (kb lint), so the walk ends within len(nodes) steps.
        for _ in range(len(nodes)):
            if node.type == "leaf":
                return _Replay(tree, answered, None, node)
            if state.exits.get(tree.id) == node.id:
                way_out = AnsweredQuestion(
                    node=node.id,
                    question=node.text,
                    option=NONE,
                    label=NONE_LABEL,
                    how="way_out",
                    because="you said none of the options fits",
                )
                return _Replay(tree, [*answered, way_out], None, None, exited=True)
            chosen = self._choose(node, state)
            if chosen is None:
                return _Replay(tree, answered, node, None)
            answered.append(chosen[1])
            node = nodes[chosen[0].next]
        raise InvalidStateError(f"tree {tree.id!r} did not reach a leaf")

    def _choose(self, node: Node, state: WalkState) -> tuple[Option, AnsweredQuestion] | None:
        given = state.answers.get(node.id)
        # Trees share some questions (same node id): an answer given in a tree left behind
        # carries over when it is one of this node's options too.
        if given is not None and given not in {o.id for o in node.options} | {UNKNOWN}:
            given = None
        if given is not None and given != UNKNOWN:
            option = _option(node, given)
            return option, _answered(node, option, "user", "you answered")
        tree = self.kb.tree(state.tree)
        auto = _auto_answer(node, _strong(state.facts))
        # The evidence answers for the user only while its answer can still lead somewhere the
        # user has not ruled out; otherwise the user is asked (the evidence was misleading).
        if auto is not None and not self._leads_only_to_ruled_out(tree, node, auto[0], state):
            option, fact_name, fact = auto
            return option, _answered(
                node, option, "auto", _because(fact_name, fact), fact.line, fact.text
            )
        if given == UNKNOWN:
            option, reason = self._likely(node, state)
            return option, _answered(node, option, "unknown", reason)
        if state.sure is not None and state.sure not in state.ruled_out:
            for option in node.options:
                if state.sure in _leaf_causes(tree, option.next):
                    title = self.kb.causes[state.sure].title
                    because = (
                        f"not asked: your input ranks {title} at {state.sure_p:.0%}, and this "
                        "answer leads there (change it if it is wrong)"
                    )
                    return option, _answered(node, option, "auto", because)
        return None

    @staticmethod
    def _leads_only_to_ruled_out(tree: Tree, node: Node, option: Option, state: WalkState) -> bool:
        """``option`` leads only to causes the user ruled out, and another option of ``node``
        still leads to one they did not."""
        if not state.ruled_out:
            return False
        ruled = set(state.ruled_out)
        if not _leaf_causes(tree, option.next) <= ruled:
            return False
        return any(
            _leaf_causes(tree, other.next) - ruled for other in node.options if other is not option
        )

    def _likely(self, node: Node, state: WalkState) -> tuple[Option, str]:
        """The branch for "I don't know": what the user's words suggest, else toward the
        best-ranked cause, else the tree's default."""
        hinted = _auto_answer(node, state.facts)
        if hinted is not None:
            option, _, fact = hinted
            return option, (
                f'you did not know, so this follows "{option.label}": your description '
                f'mentions it ("{fact.text[:80]}")'
            )
        tree = self.kb.tree(state.tree)
        for cause in state.ranked:
            if cause in state.ruled_out:
                continue
            for option in node.options:
                if cause in _leaf_causes(tree, option.next):
                    title = self.kb.causes[cause].title
                    return option, (
                        f'you did not know, so this follows "{option.label}": it leads to '
                        f"{title}, which your evidence ranks highest"
                    )
        default = _option(node, node.default or node.options[0].id)
        return default, f'you did not know, so this follows the more common case: "{default.label}"'

    # --- steps ----------------------------------------------------------------------------

    def _step(self, state: WalkState) -> Step:
        replay = self._replay(state)
        token = encode_state(state, self.secret)
        common = {
            "tree": replay.tree.id,
            "tree_title": replay.tree.title,
            "answered": self._answered(state, replay),
            "ruled_out": [
                RuledOutView(cause=c, title=self.kb.causes[c].title)
                for c in state.ruled_out
                if c in self.kb.causes
            ],
            "left": list(state.trail),
        }
        if state.exhausted:
            return Step(kind="none_left", message=self._none_left(state), state=token, **common)
        if replay.pending is not None:
            node = replay.pending
            depends = _it_depends_note(node, state.facts)
            question = QuestionView(
                node=node.id,
                text=node.text,
                help=" ".join(p for p in (depends, node.help) if p) or None,
                options=[OptionView(id=o.id, label=o.label) for o in node.options],
            )
            return Step(kind="question", question=question, state=token, **common)
        assert replay.leaf is not None
        return Step(kind="fix", fix_page=self.fix_page(replay.leaf, state), state=token, **common)

    def _none_left(self, state: WalkState) -> str:
        ruled = ", ".join(self.kb.causes[c].title for c in state.ruled_out if c in self.kb.causes)
        said = f"You ruled out: {ruled}. " if ruled else ""
        return (
            f"{said}None of the driver-memory causes this service knows fits your answers. "
            "Look at what the driver did last: take a heap dump when it fails "
            "(spark.driver.extraJavaOptions=-XX:+HeapDumpOnOutOfMemoryError) and open it in a "
            "heap analyser; read the driver's GC log; check the first error in the driver log "
            "and the executor logs. If the failure is in an executor, it is not a driver OOM."
        )

    def fix_page(self, leaf: Node, state: WalkState) -> FixPage:
        cause_id = leaf.cause
        assert cause_id is not None
        cause = self.kb.cause(cause_id)
        fix_ids = leaf.fixes or cause.fixes
        numbers = _numbers(state.facts)
        stats = self.fix_stats(cause_id)
        fixes = [self.fix_view(fid, numbers, stats.get(fid, FixStat())) for fid in fix_ids]
        return FixPage(
            leaf=leaf.id,
            cause=cause_id,
            title=cause.title,
            conclusion=leaf.text,
            fixes=_order_by_feedback(fixes),
            diagnostics=[DiagnosticView(**d.model_dump()) for d in cause.diagnostics],
            notes=[
                NoteView(id=n, title=self.kb.notes[n].title, body=self.kb.notes[n].body)
                for n in cause.notes
                if n in self.kb.notes
            ],
        )

    def fix_view(self, fix_id: str, numbers: values.Facts, stat: FixStat) -> FixView:
        fix = self.kb.fix(fix_id)
        configs = []
        computed = []
        local = dict(numbers)
        for config in fix.configs:
            value = values.compute(config.key, local)
            if value is not None:
                config = config.model_copy(update={"value": value.value})
                computed.append(f"{config.key}={value.value}: {value.why}")
                if config.key == "spark.driver.memory":
                    # Later settings (the overhead) are sized for the new heap, not the old one.
                    local["driver_memory_bytes"] = [float(parse_size(value.value) or 0)]
            configs.append(config)
        return FixView(
            id=fix.id,
            title=fix.title,
            summary=fix.summary,
            kind=fix.kind,
            snippets=snippets.render(configs),
            computed=computed,
            code=[
                CodeView(**change.model_dump(), forms=forms)
                for change, forms in zip(fix.code, snippets.forms_of(fix.code), strict=True)
            ],
            verify=fix.verify,
            caveats=fix.caveats,
            fixed=stat.fixed,
            not_helped=stat.not_helped,
            ordered_by_feedback=stat.total >= MIN_FEEDBACK,
        )


@dataclass(frozen=True)
class _Replay:
    tree: Tree
    answered: list[AnsweredQuestion]
    pending: Node | None
    leaf: Node | None
    # The user left this tree at a question ("none of these").
    exited: bool = False


def _order_by_feedback(fixes: list[FixView]) -> list[FixView]:
    """Knowledge-base order, except that fixes with enough feedback move by success rate.

    A fix without enough feedback counts as an even chance (0.5); one with enough is scored
    by its Laplace-smoothed rate, so 9 of 10 "fixed it" rises and 1 of 10 sinks.
    """

    def score(fix: FixView) -> float:
        if not fix.ordered_by_feedback:
            return 0.5
        return (fix.fixed + 1) / (fix.fixed + fix.not_helped + 2)

    ranked = sorted(enumerate(fixes), key=lambda item: (-score(item[1]), item[0]))
    return [fix for _, fix in ranked]


def _option(node: Node, option_id: str) -> Option:
    for option in node.options:
        if option.id == option_id:
            return option
    raise InvalidStateError(f"answer {option_id!r} is not an option of {node.id!r}")


def _answered(
    node: Node,
    option: Option,
    how: Literal["auto", "user", "unknown", "way_out"],
    because: str,
    line: int | None = None,
    text: str = "",
) -> AnsweredQuestion:
    changeable = how in ("auto", "unknown")
    return AnsweredQuestion(
        node=node.id,
        question=node.text,
        option=option.id,
        label=option.label,
        how=how,
        because=because,
        line=line,
        text=text,
        options=[OptionView(id=o.id, label=o.label) for o in node.options] if changeable else [],
    )


def _because(name: str, fact: StateFact) -> str:
    """Where an auto-answer came from, in words: the line itself travels in ``text``."""
    where = {"log": "your log", "words": "your description", "event_log": "your event log"}
    source = where.get(fact.src, "your input")
    line = f", line {fact.line}" if fact.line else ""
    shown = "" if fact.text else f" ({_plain(name)}: {fact.v.replace('_', ' ')})"
    return f"answered from {source}{line}{shown}"


def _plain(name: str) -> str:
    return name.removesuffix("_bytes").replace("_", " ")


def _auto_answer(
    node: Node, facts: Mapping[str, list[StateFact]]
) -> tuple[Option, str, StateFact] | None:
    for option in node.options:
        if not option.when:
            continue
        matched = [_satisfying(cond, facts.get(cond.fact, [])) for cond in option.when]
        if all(m is not None for m in matched):
            first = matched[0]
            assert first is not None
            return option, option.when[0].fact, first
    return None


def _strong(facts: Mapping[str, list[StateFact]]) -> dict[str, list[StateFact]]:
    """The facts that may answer a question by themselves: not loose words in prose."""
    return {name: [f for f in items if not f.weak] for name, items in facts.items()}


def _satisfying(cond: FactCondition, candidates: list[StateFact]) -> StateFact | None:
    clear = [fact for fact in candidates if not _depends(cond, fact.v)]
    return first_satisfying(cond, ((fact.v, fact) for fact in clear))


def _it_depends_note(node: Node, facts: Mapping[str, list[StateFact]]) -> str | None:
    """Why a question the evidence nearly answers is asked: its value is in a range where
    the answer depends on more than the number."""
    for option in node.options:
        for cond in option.when:
            for fact in facts.get(cond.fact, []):
                if cond.it_depends is not None and _depends(cond, fact.v):
                    low, high = cond.it_depends
                    return (
                        f"Your input shows {_plain(cond.fact)} = {float(fact.v):,.0f}: between "
                        f"{low:,.0f} and {high:,.0f} it depends on the driver's heap and what "
                        "else it holds, so this is yours to judge."
                    )
    return None


def _depends(cond: FactCondition, value: str) -> bool:
    """Is ``value`` in the condition's "it depends" range (asked, not auto-answered)?"""
    if cond.it_depends is None:
        return False
    try:
        number = float(value)
    except ValueError:
        return False
    low, high = cond.it_depends
    return low <= number < high


def _tree_facts(tree: Tree) -> set[str]:
    return {c.fact for n in tree.nodes for o in n.options for c in o.when}


def _state_facts(diagnosis: Diagnosis, wanted: set[str]) -> dict[str, list[StateFact]]:
    """Only what the walk can use: the tree's facts plus the numbers fixes are computed from."""
    keep = wanted | set(values.NUMERIC_FACTS)
    facts: dict[str, list[StateFact]] = {}
    for fact in diagnosis.facts:
        if fact.name not in keep:
            continue
        bucket = facts.setdefault(fact.name, [])
        if len(bucket) < MAX_FACT_VALUES:
            bucket.append(
                StateFact(
                    v=fact.value,
                    line=fact.line,
                    text=fact.text[:160],
                    src=fact.source,
                    weak=fact.weak,
                )
            )
    return facts


def _numbers(facts: Mapping[str, list[StateFact]]) -> dict[str, list[float]]:
    numbers: dict[str, list[float]] = {}
    for name, items in facts.items():
        for item in items:
            try:
                numbers.setdefault(name, []).append(float(item.v))
            except ValueError:
                continue
    return numbers


def _leaf_causes(tree: Tree, start: str) -> set[str]:
    nodes = {n.id: n for n in tree.nodes}
    causes: set[str] = set()
    stack, seen = [start], set()
    while stack:
        node = nodes.get(stack.pop())
        if node is None or node.id in seen:
            continue
        seen.add(node.id)
        if node.cause and node.type == "leaf":
            causes.add(node.cause)
        stack.extend(o.next for o in node.options)
    return causes


def information_gain(tree: Tree, node: Node, probabilities: Mapping[str, float]) -> float:
    """Expected bits the answer to ``node`` removes from the cause distribution: each option
    keeps the causes its subtree can conclude (a cause under k options counts 1/k toward
    each), and "none of these" keeps the causes no option reaches."""
    total = sum(probabilities.values())
    if total <= 0:
        return 0.0
    p = {c: v / total for c, v in probabilities.items() if v > 0}
    reach = [_leaf_causes(tree, option.next) for option in node.options]
    outcomes = [*reach, set(p) - set().union(*reach)]
    shares = {c: sum(1 for r in reach if c in r) or 1 for c in p}
    expected = 0.0
    for kept in outcomes:
        mass = {c: p[c] / shares[c] for c in kept if c in p}
        weight = sum(mass.values())
        if weight > 0:
            expected += weight * _entropy([m / weight for m in mass.values()])
    return _entropy(list(p.values())) - expected


def _entropy(p: list[float]) -> float:
    return -sum(x * math.log2(x) for x in p if x > 0)
