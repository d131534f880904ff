"""Turn pasted text (words, a stack trace or a whole driver log) into typed facts.

Work is linear in the input: lines are split once, truncated, and collapsed by shape (digits
ignored) so a log of 400,000 'Finished task' lines costs one regex pass over one line of that
shape. Every pattern here is anchored or bounded; none can backtrack catastrophically.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from service.engine.budget import Budget
from service.engine.extractors import (
    JVM_LIBRARY,
    MAX_LINE,
    PY4J_CALL,
    batches_falling_behind,
    cached_blocks_lost,
    driver_memory_store,
    job_site_facts,
    large_task_stages,
    line_facts,
    numeric_maxima,
    oom_under_a_failed_job,
    program_passes,
    tasks_in_the_driver_jvm,
    work_before_oom,
)
from service.engine.gclog import gc_facts
from service.engine.types import Fact, FactSource, InputKind
from service.engine.vocabulary import JVM_FRAME_METHOD, PY_TRACE_FRAME

_DIGITS = b"0123456789"
_LOG_LINE = re.compile(
    r"^\s*(?:at |\.\.\. \d+ more|Caused by|Traceback|File \"|\d{2,4}[/-]\d{2}[/-]\d{2}"
    r"|\[|(?:[\w$]+\.){2,}[\w$]*(?:Exception|Error)\b|Exception in thread|/[\w.-]+/"
    # A level that starts a line, or SQL that does; not an acronym that starts a sentence
    # ("YARN kills the driver container ...", "HDFS holds ...").
    r"|(?:TRACE|DEBUG|INFO|WARN|ERROR|FATAL|SEVERE|SELECT|FROM|WHERE|GROUP|ORDER|LIMIT|UNION"
    r"|CACHE|MERGE|WITH|INSERT|CREATE|TABLE)[ :]"
    # What Spark's own shells and launchers print besides log lines: not the user's words.
    r"|Setting default log level|To adjust logging level|Spark (?:context )?Web UI available"
    r"|Spark (?:context|session) available as|Time taken: |Using Spark's default log4j"
    r"|Using Scala version|Type in expressions|Type :help|Welcome to\b|Fetched \d+ row"
    # A task's end reason, printed on its own line under "Lost task" or "Job aborted".
    r"|(?:ExecutorLostFailure|FetchFailed|TaskKilled|TaskResultLost|ExceptionFailure"
    r"|TaskCommitDenied|ExecutorExited) ?\()"
)
# Spaces a web page or an editor puts where the program printed a plain one (no-break, narrow,
# figure), and characters that print as nothing (zero-width space and joiners, a byte-order
# mark): as they are, "Lost\u00a0task" or "at\u200b org.apache..." reads as no known line.
_ODD_SPACES = (
    ("\u00a0", " "),
    ("\u202f", " "),
    ("\u2007", " "),
    ("\u200b", ""),
    ("\u200c", ""),
    ("\u200d", ""),
    ("\ufeff", ""),
)
# A terminal's colour and style codes ("\x1b[0;31m"), or what is left of them when a page
# dropped the escape character ("[0;31mPy4JJavaError[0m").
_ANSI = re.compile(r"\x1b\[[0-9;]{0,20}m|\[(?:[0-9]{1,3};){0,4}[0-9]{1,3}m(?=[\w\s:.-]|$)")
# Quote marks at the start of a line: one or more ">", each with the space after it.
_QUOTED = re.compile(r"^ ?>(?:[ \t]?>)*[ \t]?", re.MULTILINE)
# The time a log collector writes before each line it kept, and how much of the input's start
# decides whether it did (see _without_collector_stamps).
_COLLECTOR_STAMP = re.compile(
    # kubectl, docker, CI logs, log exports: an ISO-8601 time; a node's container log (CRI,
    # what Fluent Bit or Loki export) adds the stream and whether the line was whole:
    # "2024-05-01T10:00:00.123456789Z stderr F ".
    r"^(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})[ \t]"
    r"(?:std(?:out|err) [FP] )?"
    # Airflow's task log around what spark-submit printed:
    # "[2024-05-01, 10:00:00 UTC] {spark_submit.py:521} INFO - ".
    r"|\[\d{4}-\d{2}-\d{2}[ ,T]{1,2}\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?"
    r"(?: ?[A-Z]{1,5}|[+-]\d{2}:?\d{2})?\] \{[\w.-]{1,80}:\d{1,6}\} [A-Z]{4,8} - )",
    re.MULTILINE,
)
COLLECTOR_SAMPLE_CHARS = 20_000
COLLECTOR_SHARE = 0.8
_WORD = re.compile(r"^\(?[A-Za-z][A-Za-z'\u2019-]{0,30}[,.;:!?)]?$")
# Inside a pasted log, a line only counts as the user's own words when it reads like a sentence.
PROSE_MIN_WORDS = 4
PROSE_WORD_SHARE = 0.75
# A line that names a Java or Python class after at least this many words of its own is a
# sentence, not output (see _names_it_in_a_sentence).
SENTENCE_WORDS_BEFORE_CLASS = 6
# Input with at least this many distinct log lines and under this share of lines in words is
# a log with some program output in it (see _mostly_log).
MOSTLY_LOG_LINES = 30
MOSTLY_LOG_SHARE = 0.1
_QUALIFIED = re.compile(r"\b(?:java|javax|org|scala|com|py4j|pyspark)\.[a-z]\w{0,40}\.")
_EXCEPTION = re.compile(
    r"(?:Exception in thread \"(?P<thread>[^\"]{1,200})\"\s+)?"
    r"(?P<cls>(?:[A-Za-z_$][\w$]{0,80}\.){1,12}[A-Za-z_$][\w$]{0,80}(?:Exception|Error|Throwable))"
    r"(?::\s?(?P<msg>[^\n]{0,600}))?"
)
# A frame of a Python traceback; the line under it is the frame's source code (when Python
# could read the file), printed by the interpreter, not written by the user for us.
_PY_TRACE_FRAME = re.compile(rf"^\s*{PY_TRACE_FRAME}\d*")
_PY_EXCEPTION = re.compile(r"^(?P<cls>[A-Z]\w{0,60}(?:Error|Exception))(?::\s?(?P<msg>.{0,600}))?$")
_FRAME = re.compile(rf"^\s+at\s+(?P<frame>{JVM_FRAME_METHOD})\(")
_LOG4J_THREAD = re.compile(
    r"\[(?P<thread>(?:Executor task launch worker|dag-scheduler|main|task-result"
    r"|broadcast-exchange|dispatcher|spark-listener|stream execution)[^\]]{0,150})\]"
)


@dataclass
class LineGroup:
    """Lines of one shape: the first occurrence, its line number, and how many there were."""

    line: int
    text: str
    count: int = 1


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


def about_memory(text: str) -> bool:
    """Whether an exception's name and message (or an error line) speak of memory, a kill, a
    size limit or a broadcast."""
    return _MEMORY.search(text) is not None


def quiet_frame_lines(traces: list[StackTrace]) -> set[int]:
    """Line numbers of frames under exceptions that have nothing to do with memory.

    A frame says where something happened; inside "Task not serializable" or an
    AnalysisException it says nothing about memory. A chain of "Caused by:" traces counts
    as memory-related when any link of it is.
    """
    quiet: set[int] = set()
    block: list[StackTrace] = []

    def close() -> None:
        if block and not any(about_memory(f"{t.exception} {t.message}") for t in block):
            for trace in block:
                quiet.update(range(trace.line + 1, trace.line + 1 + len(trace.frames)))
        block.clear()

    for trace in traces:
        previous = block[-1] if block else None
        chained = (
            previous is not None
            and trace.text.startswith("Caused by")
            and (trace.line - (previous.line + len(previous.frames)) <= 3)
        )
        if not chained:
            close()
        block.append(trace)
    close()
    return quiet


# A broadcast exchange building its relation: SparkPlan.executeCollectIterator has one caller,
# BroadcastExchangeExec.relationFuture (doExecuteBroadcast waits for it on the query's thread).
_BROADCAST_BUILD = re.compile(
    r"SparkPlan\.executeCollectIterator\b|BroadcastExchangeExec\.(?:\$anonfun\$relationFuture|"
    r"doExecuteBroadcast)"
)
_JOB_ABORTED = "Job aborted due to stage failure"
# What continues a stack between frames: "... 12 more", or a cut a log shipper or a trimmer made.
_FRAME_GAP = re.compile(r"^\s*\.\.\.\s+(?:\d+\s+more|\[\d+ lines? trimmed\])")


def outer_frame_lines(groups: list[LineGroup]) -> set[int]:
    """Line numbers of frames under a broadcast build in the same stack: the callers of the
    query that needed the broadcast (a collect, a write, a stream's batch). They say where the
    job came from, not what ran out: a Dataset.collect frame there is the program asking for a
    query whose broadcast relation was too large, not a collect that filled the driver."""
    outer: set[int] = set()
    below = False
    for group in groups:  # in the order their first lines stand in the input
        text = group.text[:MAX_LINE]
        if _FRAME.match(text) is None and _FRAME_GAP.match(text) is None:
            below = False
            continue
        if _BROADCAST_BUILD.search(text):
            below = True
        elif below:
            outer.add(group.line)
    return outer


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
    # Where the work budget ran out, if it did.
    cut: str | None = None

    def first(self, name: str) -> Fact | None:
        return next((f for f in self.facts if f.name == name), None)

    def values(self, name: str) -> list[str]:
        return [f.value for f in self.facts if f.name == name]


def as_printed(text: str) -> str:
    """The text as the program printed it, without what was added on the way: a web page's
    character references ("&lt;init&gt;"), no-break and zero-width spaces, terminal colour
    codes (IPython's and notebooks' tracebacks, CI logs), the quote marks of an e-mail reply or
    a Markdown block quote ("> 19/11/04 ERROR ...", ">> at org.apache...") and a log
    collector's time stamps. Each would hide a log line's timestamp, a frame's "at" or an
    exception's name from what reads it. A Python prompt (">>> ") goes too: what follows it is
    the code either way. Quote marks and stamps are looked for at the start of the input (a
    quoted reply quotes from its first lines). Line numbers do not change."""
    if "&" in text and ("&lt;" in text or "&gt;" in text or "&quot;" in text):
        text = html.unescape(text)
    if not text.isascii():
        for odd, plain in _ODD_SPACES:
            if odd in text:
                text = text.replace(odd, plain)
    if "\x1b" in text or "[0m" in text:
        text = _ANSI.sub("", text)
    if _QUOTED.search(text, 0, COLLECTOR_SAMPLE_CHARS) is not None:
        text = _QUOTED.sub("", text)
    return _without_collector_stamps(text)


def _without_collector_stamps(text: str) -> str:
    """The text without the ISO-8601 time a log collector writes before every line it kept
    (``kubectl logs --timestamps``, ``docker logs -t``, CI job logs, log exports) or the
    Airflow task log's time, source and level before each line spark-submit printed:
    "2024-05-01T10:00:00.123456789Z \tat org.apache..." hides the frame's "at" and Spark's own
    "24/05/01 10:00:00 ERROR" behind it. Only when most of the first lines carry one: a layout
    that starts Spark's own lines with an ISO time prints it on message lines only."""
    head = text[:COLLECTOR_SAMPLE_CHARS].split("\n")
    lines = [line for line in head if line.strip()]
    stamped = sum(1 for line in lines if _COLLECTOR_STAMP.match(line))
    if not lines or stamped < COLLECTOR_SHARE * len(lines):
        return text
    return _COLLECTOR_STAMP.sub("", text)


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
    qualified = _QUALIFIED.search(text)
    return qualified is not None and not _names_it_in_a_sentence(text, qualified.start())


def _names_it_in_a_sentence(text: str, start: int) -> bool:
    """A sentence of the user's that names a class on the way ("... and the query fails with
    java.lang.OutOfMemoryError"): words, not output, so the phrasings of how people talk still
    read it. Output puts the class after a colon ("Job aborted due to stage failure:
    java.lang...", "calling z:org.apache..."); a sentence has its own words before it."""
    before = text[:start].split()
    if (
        len(before) < SENTENCE_WORDS_BEFORE_CLASS
        or before[-1].endswith(":")
        or text[start - 1] == ":"
    ):
        return False
    return _is_prose(text[:start]) and _is_prose(text)


def _mostly_log(log_groups: int, word_groups: int) -> bool:
    """A driver log with a few lines of the program's own output (a print, a plan) is a log,
    not a report in words. On tune, every such run log has at least 33 distinct log lines and
    at most 3% lines in words; every report that mixes words and lines at most 25 and at
    least 3.8%."""
    return log_groups >= MOSTLY_LOG_LINES and word_groups < MOSTLY_LOG_SHARE * (
        log_groups + word_groups
    )


def traceback_source_lines(lines: list[str]) -> set[int]:
    """The 1-based numbers of the source lines a Python traceback prints under its frames
    ("    for r in rows.collect():"): program output that quotes code, however much it reads like
    words. Only the line right under a frame is taken, and only when it is not a frame itself."""
    numbers: set[int] = set()
    for index, line in enumerate(lines[:-1]):
        if "File " in line and _PY_TRACE_FRAME.match(line[:MAX_LINE]):
            below = lines[index + 1]
            if below.strip() and not _PY_TRACE_FRAME.match(below[:MAX_LINE]):
                numbers.add(index + 2)
    return numbers


def _is_prose(text: str) -> bool:
    tokens = text.split()
    if len(tokens) < PROSE_MIN_WORDS:
        return False
    words = sum(1 for t in tokens if _WORD.match(t))
    return words / len(tokens) >= PROSE_WORD_SHARE


def analyze(text: str, budget: Budget | None = None, *, printed: bool = False) -> Analysis:
    """Analyze pasted text; facts cite the 1-based line they were read from.

    ``budget``: once it is spent, lines not yet read for facts are left out and
    ``Analysis.cut`` says so (a client that went away stops it with AbandonedError).
    ``printed``: the caller already took the text ``as_printed``.
    """
    if not printed:
        text = as_printed(text)
    lines = split_lines(text)
    groups = collapse(text, lines)
    code = traceback_source_lines(lines)
    log_groups = [g for g in groups if _is_log_line(g.text) or g.line in code]
    word_groups = [g for g in groups if not _is_log_line(g.text) and g.line not in code]
    if log_groups:
        word_groups = [g for g in word_groups if _is_prose(g.text)]
    kind: InputKind = "log" if not word_groups else ("words" if not log_groups else "mixed")
    if kind == "mixed" and _mostly_log(len(log_groups), len(word_groups)):
        kind = "log"
    traces = _stack_traces(lines)
    facts: list[Fact] = []
    wordy = {id(g) for g in word_groups}  # by identity: a list test would be quadratic
    cut: str | None = None
    for done, group in enumerate(groups):
        if budget is not None and done % 256 == 0 and budget.spent():
            cut = f"facts were read from the first {done:,} of {len(groups):,} distinct lines"
            break
        source: FactSource = "words" if id(group) in wordy else "log"
        facts.extend(line_facts(group.line, group.text, source))
    facts.extend(numeric_maxima(lines))
    facts.extend(job_site_facts(lines))
    facts.extend(large_task_stages(lines))
    facts.extend(cached_blocks_lost(lines))
    facts.extend(driver_memory_store(lines))
    facts.extend(program_passes(lines))
    facts.extend(work_before_oom(lines))
    facts.extend(batches_falling_behind(lines))
    facts.extend(oom_under_a_failed_job(lines))
    if not any(f.name == "deploy_mode" for f in facts):
        facts.extend(tasks_in_the_driver_jvm(lines))
    facts.extend(gc_facts(lines))
    facts.extend(_trace_facts(traces, lines))
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
        cut=cut,
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


# The kind of task an OutOfMemoryError's frames run in: a shuffle map task (the stage's own
# work, before any result goes back) or a result task (whose results an action brings back).
_TASK_FRAMES = (
    ("scheduler.ShuffleMapTask.runTask", "shuffle_map"),
    ("scheduler.ResultTask.runTask", "result"),
)


# Frames of the JDK and Scala's library: whose code they run is decided by the frames below.
_JVM_LIBRARY = re.compile(JVM_LIBRARY)
_ML_CODE = ("org.apache.spark.ml.", "org.apache.spark.mllib.")
# Frames only a task runs: the executor's runner, the task itself, and an RDD computing its
# partition (an event log keeps the top of a task's stack, which may stop at the RDD).
_TASK_ONLY_FRAMES = (
    "Executor$TaskRunner",
    "Task.runTask",
    "rdd.RDD.iterator",
    "RDD.computeOrReadCheckpoint",
)


def _oom_in_ml_estimator(trace: StackTrace) -> bool:
    """An OutOfMemoryError thrown by MLlib's own code outside any task: an estimator building
    its model (covariance matrices, tree statistics, a Gramian) on the thread that called fit."""
    first = next((f for f in trace.frames if not _JVM_LIBRARY.match(f)), None)
    return (
        first is not None
        and first.startswith(_ML_CODE)
        and not any(task in f for f in trace.frames for task in _TASK_ONLY_FRAMES)
    )


def _frameless_fit_oom(trace: StackTrace, lines: list[str]) -> bool:
    """An OutOfMemoryError printed without frames as the error of a PySpark fit call: the
    call itself ran out on the thread that called fit (a task's or a job's failure comes back
    as a SparkException, not as the error), and without frames no collect is seen under it."""
    if trace.frames or trace.line < 2:
        return False
    # The line above is the PySpark call that threw it: a model fit (an estimator's fit, or
    # one of the RDD-based API's train* calls).
    call = PY4J_CALL.search(lines[trace.line - 2][:MAX_LINE])
    return call is not None and (call.group(1) == "fit" or call.group(1).startswith("train"))


def _trace_facts(traces: list[StackTrace], lines: list[str]) -> Iterable[Fact]:
    for trace in traces:
        if trace.thread:
            yield Fact(name="failing_thread", value=trace.thread, line=trace.line, text=trace.text)
        # The stack of a job that aborted is the stack of the thread that ran the job: a
        # broadcast build in it means the job that failed was the build side being collected
        # for broadcasting, whatever action of the program asked for the query (the driver
        # log's counterpart of the event log's job properties).
        if _JOB_ABORTED in trace.text and any(_BROADCAST_BUILD.search(f) for f in trace.frames):
            yield Fact(name="failed_job", value="broadcast_build", line=trace.line, text=trace.text)
        if "OutOfMemoryError" in trace.exception:
            task = next((k for f in trace.frames for frame, k in _TASK_FRAMES if frame in f), None)
            if task is not None:
                yield Fact(name="oom_task", value=task, line=trace.line, text=trace.text)
            elif _oom_in_ml_estimator(trace) or _frameless_fit_oom(trace, lines):
                yield Fact(name="oom_in", value="ml_estimator", line=trace.line, text=trace.text)


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
