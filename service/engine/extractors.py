"""Per-line fact extractors: a cheap substring guard, a bounded regex, and a converter.

Each entry reads one kind of fact (a size, a count, a config value, a platform or action hint)
from one line. Every pattern is bounded or anchored; the guard keeps the regex off lines that
cannot match, which is most lines of a large log.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.engine.types import Fact, FactSource
from service.engine.units import SIZE_PATTERN, parse_count, parse_size

MAX_LINE = 4000
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
    *(
        _GROWTH := [
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
                re.compile(
                    r"\b(?:immediately|right after|as soon as|instantly|straight away)\b", _C
                ),
                _const(("memory_growth", "sudden")),
            ),
        ]
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
# How memory grew is a person's observation: in a log, "grow" is a stack frame
# (ArrayBuffer.grow, ByteArrayOutputStream.grow), not a trend.
_PROSE_ONLY = {"RAM"}
_LOG_EXTRACTORS = [e for e in _EXTRACTORS if e[0] not in _PROSE_ONLY and e not in _GROWTH]


# Which action the user ran is read from the user's words, the frames of a stack trace and the
# user's code in a traceback, never from log lines about scheduling: "Got job 0 (collect at
# x.py:12)" says where a job came from, not what ran out of memory. A frame inside PySpark or
# Py4J is the library's own call chain (count() calls fold() calls collect()).
_NOT_AN_ACTION = re.compile(
    r'^\s*File "[^"]{0,400}[/\\](?:pyspark|py4j)[/\\]'
    r"|^\s*\d{2,4}[/-]\d{2}[/-]\d{2}[ T]\d{2}:\d{2}|\b(?:INFO|DEBUG|TRACE)\b"
)


def line_facts(number: int, text: str, source: FactSource) -> Iterable[Fact]:
    facts = _facts_from(_EXTRACTORS if source == "words" else _LOG_EXTRACTORS, number, text, source)
    if source != "words" and _NOT_AN_ACTION.search(text):
        return [f for f in facts if f.name != "action"]
    return facts


# In prose, which action the user ran only counts as strong when written as code or as Spark
# prints it (".collect()", "toPandas", "collect at x.py:12") or as a specific technical term
# ("structured streaming", "broadcast join"); one plain word ("collecting", "cached",
# "streaming") is weak: evidence that steers "I don't know", never an auto-answer. How memory
# grew stays a person's observation ("it keeps growing over days") and counts.
_CODE_LIKE = re.compile(r"[()._=:\[\]\s]|[a-z][A-Z]|\d")
_WEAK_IN_PROSE = {"action", "streaming"}


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
        loose = source == "words" and not _CODE_LIKE.search(match.group(0))
        for name, value in extract(match):
            weak = loose and name in _WEAK_IN_PROSE
            yield Fact(name=name, value=value, line=number, text=shown, source=source, weak=weak)


_MAXIMA = [e for e in _EXTRACTORS if e[0] in {"missing tasks", "task set", "output partitions"}]


def numeric_maxima(lines: list[str]) -> Iterable[Fact]:
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
