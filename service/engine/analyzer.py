"""Turn pasted text (words, a stack trace or a whole driver log) into typed facts.

Work is linear in the input: lines are split once, truncated, and collapsed by shape (digits
ignored) so a log of 400,000 'Finished task' lines costs one regex pass over one line of that
shape. Every pattern here is anchored or bounded; none can backtrack catastrophically.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from service.engine.types import Fact, FactSource, InputKind
from service.engine.units import SIZE_PATTERN, parse_count, parse_size

MAX_LINE = 4000
_DIGITS = b"0123456789"
_LOG_LINE = re.compile(
    r"^\s*(?:at |\.\.\. \d+ more|Caused by|Traceback|File \"|\d{2,4}[/-]\d{2}[/-]\d{2}"
    r"|\[|[A-Z]{4,5} |(?:[\w$]+\.){2,}[\w$]*(?:Exception|Error)\b|Exception in thread|/[\w.-]+/)"
)
_WORD = re.compile(r"^\(?[A-Za-z][A-Za-z'\u2019-]{0,30}[,.;:!?)]?$")
# Inside a pasted log, a line only counts as the user's own words when it reads like a sentence.
PROSE_MIN_WORDS = 4
PROSE_WORD_SHARE = 0.75
_QUALIFIED = re.compile(r"\b(?:java|javax|org|scala|com|py4j|pyspark)\.[a-z]\w{0,40}\.")
_EXCEPTION = re.compile(
    r"(?:Exception in thread \"(?P<thread>[^\"]{1,200})\"\s+)?"
    r"(?P<cls>(?:[A-Za-z_$][\w$]{0,80}\.){1,12}[A-Za-z_$][\w$]{0,80}(?:Exception|Error|Throwable))"
    r"(?::\s?(?P<msg>[^\n]{0,600}))?"
)
_PY_EXCEPTION = re.compile(r"^(?P<cls>[A-Z]\w{0,60}(?:Error|Exception))(?::\s?(?P<msg>.{0,600}))?$")
_FRAME = re.compile(r"^\s+at\s+(?P<frame>[\w$.<>/]{3,400})\(")
_PY_FRAME = re.compile(r'^\s+File "(?P<file>[^"]{1,300})", line \d+, in (?P<func>[\w<>.]{1,100})')
_LOG4J_THREAD = re.compile(
    r"\[(?P<thread>(?:Executor task launch worker|dag-scheduler|main|task-result|broadcast-exchange|dispatcher|spark-listener|stream execution)[^\]]{0,150})\]"
)


@dataclass
class LineGroup:
    """Lines of one shape: the first occurrence, its line number, and how many there were."""

    line: int
    text: str
    count: int = 1
    numbers: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class StackTrace:
    line: int
    text: str
    exception: str
    message: str
    thread: str | None
    frames: list[str]


_MEMORY = re.compile(
    r"OutOfMemory|MemoryError|heap space|GC overhead|memory|maxResultSize|rpc\.message\.maxSize"
    r"|broadcast|killed|exceed|too large|very large",
    re.IGNORECASE,
)


def quiet_frame_lines(traces: list[StackTrace]) -> set[int]:
    """Line numbers of frames under exceptions that have nothing to do with memory.

    A frame says where something happened; inside "Task not serializable" or an
    AnalysisException it says nothing about memory. A chain of "Caused by:" traces counts
    as memory-related when any link of it is.
    """
    quiet: set[int] = set()
    block: list[StackTrace] = []

    def close() -> None:
        if block and not any(_MEMORY.search(f"{t.exception} {t.message}") for t in block):
            for trace in block:
                quiet.update(range(trace.line + 1, trace.line + 1 + len(trace.frames)))
        block.clear()

    for trace in traces:
        previous = block[-1] if block else None
        chained = previous is not None and trace.text.startswith("Caused by") and (
            trace.line - (previous.line + len(previous.frames)) <= 3
        )
        if not chained:
            close()
        block.append(trace)
    close()
    return quiet


@dataclass
class Analysis:
    """Everything the analyzer saw: facts, traces, and the informative lines."""

    facts: list[Fact]
    traces: list[StackTrace]
    groups: list[LineGroup]
    informative: list[tuple[int, str]]
    prose: list[tuple[int, str]]
    words: str
    total_lines: int
    kind: InputKind

    def first(self, name: str) -> Fact | None:
        return next((f for f in self.facts if f.name == name), None)

    def values(self, name: str) -> list[str]:
        return [f.value for f in self.facts if f.name == name]


def split_lines(text: str) -> list[str]:
    return text.split("\n")


def collapse(text: str, lines: list[str]) -> list[LineGroup]:
    """Group lines by shape (digits dropped), keeping order of first appearance.

    Shapes are computed on the UTF-8 bytes in one pass: ``bytes.translate`` is a C table
    lookup, where ``str.translate`` on non-ASCII text costs a dict lookup per character.
    Splitting both on newline keeps them aligned (no UTF-8 sequence contains the byte 0x0A).
    """
    shapes = text.encode("utf-8", "surrogatepass").translate(None, _DIGITS).split(b"\n")
    groups: dict[bytes, LineGroup] = {}
    for number, (raw, shape) in enumerate(zip(lines, shapes, strict=True), start=1):
        key = shape[:MAX_LINE].rstrip()
        group = groups.get(key)
        if group is not None:
            group.count += 1
            continue
        line = raw[:MAX_LINE].rstrip()
        if line.strip():
            groups[key] = LineGroup(number, line)
    return list(groups.values())


def _is_log_line(text: str) -> bool:
    if _LOG_LINE.match(text) is not None or "Warning:" in text or "WARNING:" in text:
        return True
    return _QUALIFIED.search(text) is not None


def _is_prose(text: str) -> bool:
    tokens = text.split()
    if len(tokens) < PROSE_MIN_WORDS:
        return False
    words = sum(1 for t in tokens if _WORD.match(t))
    return words / len(tokens) >= PROSE_WORD_SHARE


def analyze(text: str) -> Analysis:
    """Analyze pasted text; facts cite the 1-based line they were read from."""
    lines = split_lines(text)
    groups = collapse(text, lines)
    log_groups = [g for g in groups if _is_log_line(g.text)]
    word_groups = [g for g in groups if not _is_log_line(g.text)]
    if log_groups:
        word_groups = [g for g in word_groups if _is_prose(g.text)]
    kind: InputKind = "log" if not word_groups else ("words" if not log_groups else "mixed")
    traces = _stack_traces(lines)
    facts: list[Fact] = []
    for group in groups:
        source: FactSource = "words" if group in word_groups else "log"
        facts.extend(_line_facts(group.line, group.text, source))
    facts.extend(_numeric_maxima(lines))
    facts.extend(_trace_facts(traces))
    words = " ".join(g.text.strip() for g in word_groups)[:2000]
    return Analysis(
        facts=_dedupe(facts),
        traces=traces,
        groups=groups,
        informative=_informative(groups, traces),
        prose=[(g.line, g.text) for g in word_groups],
        words=words,
        total_lines=len(lines),
        kind=kind,
    )


def _stack_traces(lines: list[str]) -> list[StackTrace]:
    """Exception headers and the frames under them (Java and Python), in input order."""
    traces: list[StackTrace] = []
    seen: set[str] = set()
    index = 0
    while index < len(lines):
        text = lines[index][:MAX_LINE]
        if ("Exception" in text or "Error" in text or "Throwable" in text) and not _FRAME.match(
            text
        ):
            trace = _read_trace(lines, index, text)
            if trace is not None:
                key = f"{trace.exception}|{trace.message}|{'|'.join(trace.frames[:3])}"
                if key not in seen:
                    seen.add(key)
                    traces.append(trace)
                index += 1 + len(trace.frames)
                continue
        index += 1
    return traces


def _read_trace(lines: list[str], index: int, text: str) -> StackTrace | None:
    match = _EXCEPTION.search(text) or _PY_EXCEPTION.match(text.strip())
    if match is None:
        return None
    thread = match.groupdict().get("thread")
    if thread is None:
        found = _LOG4J_THREAD.search(text)
        thread = found.group("thread") if found else None
    frames: list[str] = []
    for following in lines[index + 1 : index + 200]:
        frame = _FRAME.match(following[:MAX_LINE])
        if frame is None:
            break
        frames.append(frame.group("frame"))
    return StackTrace(
        line=index + 1,
        text=text.strip()[:500],
        exception=match.group("cls"),
        message=(match.group("msg") or "").strip(),
        thread=thread,
        frames=frames,
    )


def _trace_facts(traces: list[StackTrace]) -> Iterable[Fact]:
    for trace in traces:
        if trace.thread:
            yield Fact(name="failing_thread", value=trace.thread, line=trace.line, text=trace.text)


# --- per-line extractors -------------------------------------------------------------------
# Each extractor: a cheap substring guard, a bounded regex, and a function from match to facts.

Extractor = tuple[str, re.Pattern[str], Callable[[re.Match[str]], list[tuple[str, str]]]]
_SIZE = SIZE_PATTERN
# Between a config key and its value: '=', ':', ' ', or "', '" as in spark.conf.set('k', 'v').
_SEP = r"""["']?\s{0,3}(?:=|:|,|\s)\s{0,3}["']?"""


def _size(name: str, group: int | str = 1) -> Callable[[re.Match[str]], list[tuple[str, str]]]:
    def extract(match: re.Match[str]) -> list[tuple[str, str]]:
        value = parse_size(match.group(group))
        return [(name, str(value))] if value is not None else []

    return extract


def _count(name: str, group: int | str = 1) -> Callable[[re.Match[str]], list[tuple[str, str]]]:
    def extract(match: re.Match[str]) -> list[tuple[str, str]]:
        value = parse_count(match.group(group))
        return [(name, str(value))] if value is not None else []

    return extract


def _const(*pairs: tuple[str, str]) -> Callable[[re.Match[str]], list[tuple[str, str]]]:
    return lambda _match: list(pairs)


def _result_size(match: re.Match[str]) -> list[tuple[str, str]]:
    facts = [("spark_error", "max_result_size")]
    for name, group in (("result_size_bytes", "result"), ("max_result_size_bytes", "limit")):
        value = parse_size(match.group(group))
        if value is not None:
            facts.append((name, str(value)))
    return facts


def _rpc(match: re.Match[str]) -> list[tuple[str, str]]:
    return [
        ("serialized_task_bytes", match.group(1)),
        ("rpc_max_bytes", match.group(2)),
    ]


def _yarn_memory(match: re.Match[str]) -> list[tuple[str, str]]:
    limit = parse_size(f"{match.group(3)} {match.group(4)}")
    return [("container_limit_bytes", str(limit))] if limit is not None else []


_C = re.IGNORECASE
_EXTRACTORS: list[Extractor] = [
    (
        "maxResultSize",
        re.compile(
            rf"serialized results of \d+ tasks \((?P<result>{_SIZE})\) is bigger than "
            rf"(?:spark\.driver\.)?maxResultSize \((?P<limit>{_SIZE})\)",
            _C,
        ),
        _result_size,
    ),
    (
        "bytes, which exceeds max allowed",
        re.compile(
            r"was (\d+) bytes, which exceeds max allowed: spark\.rpc\.message\.maxSize \((\d+) bytes\)"
        ),
        _rpc,
    ),
    (
        "task of very large size",
        re.compile(rf"task of very large size \(({_SIZE})\)", _C),
        _size("serialized_task_bytes"),
    ),
    ("missing tasks", re.compile(r"Submitting (\d+) missing tasks"), _count("num_tasks")),
    ("task set", re.compile(r"Adding task set [\d.]+ with (\d+) tasks"), _count("num_tasks")),
    (
        "output partitions",
        re.compile(r"Got job \d+ \([^)]{0,300}\) with (\d+) output partitions"),
        _count("num_tasks"),
    ),
    (
        "task",
        re.compile(
            r"\b(\d[\d,.]*\s?(?:k|m|thousand|million|millions|billion)?)\s+(?:small |tiny |scheduled |pending )?tasks\b",
            _C,
        ),
        _count("num_tasks"),
    ),
    (
        "partition",
        re.compile(
            r"\b(\d[\d,.]*\s?(?:k|m|thousand|million|millions|billion)?)\s+(?:shuffle |input |output |small |tiny )?partitions\b",
            _C,
        ),
        _count("num_partitions"),
    ),
    (
        "getNumPartitions",
        re.compile(r"getNumPartitions\(\)\D{0,40}(\d[\d,]*)"),
        _count("num_partitions"),
    ),
    (
        "file",
        re.compile(
            r"\b(\d[\d,.]*\s?(?:k|m|thousand|million|millions|billion)?)\s+(?:small |tiny |little )?(?:parquet |json |csv |orc |avro |input |s3 )?files\b",
            _C,
        ),
        _count("num_files"),
    ),
    (
        "block",
        re.compile(
            r"\b(\d[\d,.]*\s?(?:k|m|thousand|million|millions|billion)?)\s+(?:cached )?blocks\b", _C
        ),
        _count("num_cached_blocks"),
    ),
    (
        "physical memory used",
        re.compile(
            r"(\d+(?:\.\d+)?) ?([KMGT]i?B) of (\d+(?:\.\d+)?) ?([KMGT]i?B) physical memory used", _C
        ),
        _yarn_memory,
    ),
    (
        "limit",
        re.compile(rf"memory limit(?: of|:|=| is)?\s*({_SIZE}|\d+(?:\.\d+)?\s?[KMGT]i)\b", _C),
        _size("container_limit_bytes"),
    ),
    (
        "spark.driver.memory",
        re.compile(rf"spark\.driver\.memory{_SEP}({_SIZE})"),
        _size("driver_memory_bytes"),
    ),
    (
        "driver-memory",
        re.compile(rf"--driver-memory[= ]\s*({_SIZE})", _C),
        _size("driver_memory_bytes"),
    ),
    (
        "driver",
        re.compile(
            rf"\bdriver (?:has|with|memory(?: is| of|:|=)?|heap(?: is| of|:)?|of) ?({_SIZE})", _C
        ),
        _size("driver_memory_bytes"),
    ),
    (
        "driver",
        re.compile(
            rf"\b({_SIZE}) (?:of )?(?:driver memory|driver heap|heap on the driver|driver)\b", _C
        ),
        _size("driver_memory_bytes"),
    ),
    (
        "memoryOverhead",
        re.compile(rf"spark\.driver\.memoryOverhead{_SEP}({_SIZE})"),
        _size("driver_memory_overhead_bytes"),
    ),
    (
        "maxResultSize",
        re.compile(rf"spark\.driver\.maxResultSize{_SEP}({_SIZE}|0)\b"),
        _size("max_result_size_bytes"),
    ),
    (
        "autoBroadcastJoinThreshold",
        re.compile(rf"autoBroadcastJoinThreshold{_SEP}({_SIZE}|-1|\d+)\b"),
        lambda m: [
            (
                "auto_broadcast_threshold_bytes",
                str(parse_size(m.group(1)) if parse_size(m.group(1)) is not None else m.group(1)),
            )
        ],
    ),
    (
        "spark.executor.memory",
        re.compile(rf"spark\.executor\.memory{_SEP}({_SIZE})"),
        _size("executor_memory_bytes"),
    ),
    (
        "spark.rpc.message.maxSize",
        re.compile(rf"spark\.rpc\.message\.maxSize{_SEP}(\d+)\b"),
        lambda m: [("rpc_max_bytes", str(int(m.group(1)) << 20))],
    ),
    (
        "roadcast",
        re.compile(rf"\bbroadcast(?:ing|ed|s)?\b[^\n]{{0,80}}?\b({_SIZE})", _C),
        _size("broadcast_size_bytes"),
    ),
    (
        "roadcast",
        re.compile(rf"\b({_SIZE})\W{{0,3}}(?:\w+\W{{1,3}}){{0,4}}broadcast", _C),
        _size("broadcast_size_bytes"),
    ),
    (
        "RAM",
        re.compile(rf"\b({_SIZE}) (?:of )?(?:RAM|memory)\b(?! ?(?:used|for|to))", _C),
        _size("host_memory_bytes"),
    ),
    (
        "xit",
        re.compile(r"\bexit(?:ed with)? (?:code|status)[:= ]{0,3}(-?\d{1,3})\b", _C),
        lambda m: [("exit_code", m.group(1))],
    ),
    (
        "park",
        re.compile(
            r"\b(?:Running Spark version|Spark(?: version)?|spark-|DBR)[ -]?v?(\d\.\d{1,2}(?:\.\d{1,2})?)\b",
            _C,
        ),
        lambda m: [("spark_version", m.group(1))],
    ),
    (
        "mode",
        re.compile(r"\b(?:deploy-?mode[=: ]{1,3}|deployMode[=: ]{1,3})(client|cluster)\b", _C),
        lambda m: [("deploy_mode", m.group(1).lower())],
    ),
    (
        "mode",
        re.compile(r"\b(client|cluster) mode\b", _C),
        lambda m: [("deploy_mode", m.group(1).lower())],
    ),
    (
        "local",
        re.compile(r"(?:--master[= ]|master[=:] ?|setMaster\(\"|\.master\(\")local\b"),
        _const(("deploy_mode", "local"), ("platform", "local")),
    ),
    (
        "YARN",
        re.compile(r"\b(?:YARN|yarn logs|YarnAllocator|container_\d+_\d+)", 0),
        _const(("platform", "yarn")),
    ),
    ("yarn", re.compile(r"\b(?:yarn|YARN)\b"), _const(("platform", "yarn"))),
    (
        "od",
        re.compile(r"\b(?:kubectl|OOMKilled|kubernetes|k8s|driver pod|executor pod)\b", _C),
        _const(("platform", "kubernetes")),
    ),
    ("atabricks", re.compile(r"\bdatabricks\b", _C), _const(("platform", "databricks"))),
    ("EMR", re.compile(r"\bEMR\b|ec2\.internal"), _const(("platform", "emr"))),
    ("ataproc", re.compile(r"\bdataproc\b", _C), _const(("platform", "dataproc"))),
    (
        "Traceback",
        re.compile(r"^Traceback \(most recent call last\)"),
        _const(("language", "pyspark")),
    ),
    (
        "y",
        re.compile(r"\b(?:pyspark|py4j|toPandas|python|jupyter|notebook kernel)\b|\.py\b", _C),
        _const(("language", "pyspark")),
    ),
    (
        "scala",
        re.compile(r"\bscala>|spark-shell\b|\.scala\b(?! ?:\d)|\bin scala\b", _C),
        _const(("language", "scala")),
    ),
    ("park-sql", re.compile(r"\bspark-sql\b", _C), _const(("language", "sql"))),
    (
        "tream",
        re.compile(
            r"\b(?:structured streaming|streaming query|micro-?batch|readStream|writeStream|StreamExecution|MicroBatchExecution|StreamingQuery|foreachBatch)\b",
            _C,
        ),
        _const(("streaming", "yes"), ("action", "streaming_query")),
    ),
    (
        "",
        re.compile(
            r"\b(?:slowly|gradually|keeps? (?:growing|climbing|increasing)|grows?|growing|climbs?|creeps?|over (?:hours|days|time)|after (?:a few |several |\d+ )(?:hours|days)|leak)\b",
            _C,
        ),
        _const(("memory_growth", "gradual")),
    ),
    (
        "",
        re.compile(r"\b(?:immediately|right after|as soon as|instantly|straight away)\b", _C),
        _const(("memory_growth", "sudden")),
    ),
    (
        "ollect",
        re.compile(
            r"\.collect\(\)|\bcollect\(\)|\bcollect at |executeCollect|collectFromPlan|\bcollect(?:ing|s|ed)?\b",
            _C,
        ),
        _const(("action", "collect")),
    ),
    ("ollectAsMap", re.compile(r"collectAsMap", 0), _const(("action", "collect_as_map"))),
    ("andas", re.compile(r"toPandas|to_pandas|pandas", _C), _const(("action", "to_pandas"))),
    ("take", re.compile(r"\.take\(|\btake\(\d|\btake at ", 0), _const(("action", "take"))),
    (
        "roadcast",
        re.compile(
            r"broadcast\(|\bbroadcast (?:hint|join)|BroadcastExchange|TorrentBroadcast|BroadcastHashJoin",
            _C,
        ),
        _const(("action", "broadcast")),
    ),
    (
        "",
        re.compile(r"\.cache\(\)|\.persist\(|\bcach(?:e|ed|ing)\b", _C),
        _const(("action", "cache")),
    ),
    ("ccumulator", re.compile(r"accumulator", _C), _const(("action", "accumulator"))),
    ("toLocalIterator", re.compile(r"toLocalIterator"), _const(("action", "to_local_iterator"))),
]


# Sizes of the machine only mean something in the user's words: a log line such as
# "Registering block manager ... with 117.0 MiB RAM" is Spark's storage pool, not the host.
_PROSE_ONLY = {"RAM"}
_LOG_EXTRACTORS = [e for e in _EXTRACTORS if e[0] not in _PROSE_ONLY]


def _line_facts(number: int, text: str, source: FactSource) -> Iterable[Fact]:
    return _facts_from(_EXTRACTORS if source == "words" else _LOG_EXTRACTORS, number, text, source)


def _facts_from(
    extractors: list[Extractor], number: int, text: str, source: FactSource
) -> Iterable[Fact]:
    shown = text.strip()[:300]
    for guard, pattern, extract in extractors:
        if guard and guard not in text:
            continue
        match = pattern.search(text)
        if match is None:
            continue
        for name, value in extract(match):
            yield Fact(name=name, value=value, line=number, text=shown, source=source)


_MAXIMA = [e for e in _EXTRACTORS if e[0] in {"missing tasks", "task set", "output partitions"}]


def _numeric_maxima(lines: list[str]) -> Iterable[Fact]:
    """Task counts appear on many lines of one shape: keep the largest, not the first."""
    best: dict[str, Fact] = {}
    for number, raw in enumerate(lines, start=1):
        if "tasks" not in raw and "output partitions" not in raw:
            continue
        for fact in _facts_from(_MAXIMA, number, raw[:MAX_LINE], "log"):
            current = best.get(fact.name)
            if current is None or float(fact.value) > float(current.value):
                best[fact.name] = fact
    return best.values()


def _dedupe(facts: list[Fact]) -> list[Fact]:
    """One fact per (name, value); numeric facts keep the largest value first."""
    seen: set[tuple[str, str]] = set()
    unique: list[Fact] = []
    for fact in facts:
        key = (fact.name, fact.value)
        if key not in seen:
            seen.add(key)
            unique.append(fact)
    numeric = {f.name for f in unique if f.number is not None and f.name != "exit_code"}
    ordered = [f for f in unique if f.name not in numeric]
    for name in sorted(numeric):
        same = [f for f in unique if f.name == name]
        ordered.extend(sorted(same, key=lambda f: -(f.number or 0.0)))
    return ordered


_INFORMATIVE = ("Exception", "Error", "OutOfMemory", "Killed", "killed", "exceed", "bigger than")


def _informative(groups: list[LineGroup], traces: list[StackTrace]) -> list[tuple[int, str]]:
    """Lines worth embedding and matching: errors, warnings, exceptions and the user's words."""
    keep: list[tuple[int, str]] = []
    for trace in traces:
        keep.append((trace.line, trace.text))
    for group in groups:
        if any(marker in group.text for marker in _INFORMATIVE) or not _is_log_line(group.text):
            keep.append((group.line, group.text.strip()))
    return keep
