"""One pass over the events: counters, maxima and a few kept items, never the events themselves.

State that grows with the log is bounded: stages, jobs and SQL queries are kept only while
they run (folded into maxima when they end), cached RDDs up to ``MAX_CACHED_RDDS``, failure
texts up to ``MAX_FAILURES`` distinct ones of ``MAX_FAILURE_CHARS`` each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from service.engine.eventlog import plans
from service.engine.eventlog.reader import Event
from service.engine.types import Fact
from service.engine.units import format_size, parse_bytes_setting, parse_setting_size
from service.engine.vocabulary import (
    AQE_PARTITION_SIZE_KEYS,
    CALL_SITE_ACTIONS,
    CONFIG_FACTS,
    PARTITION_SETTINGS,
    STOPPED_EXIT_CODE,
    WHOLE_RESULT_ACTIONS,
)

MAX_FAILURES = 20
MAX_FAILURE_CHARS = 6000
MAX_CACHED_RDDS = 100_000
MAX_FRAMES = 12
# "Command exited with code 143": an executor its worker stopped (vocabulary.STOPPED_EXIT_CODE).
_SHUTDOWN_SIGNAL = re.compile(rf"\b(?:code|status)\W{{0,3}}{STOPPED_EXIT_CODE}\b")
# An executor whose process exited with 0 ended normally ("Command exited with code 0").
_CLEAN_EXIT = re.compile(r"\b(?:code|status)\W{0,3}0\b")


# What failed: a task's or an executor's end is a step on the way; a stage's, a job's or a
# query's failure states why the action failed.
FailureKind = Literal["task", "executor", "stage", "job", "query"]
STATEMENT_KINDS: frozenset[FailureKind] = frozenset({"stage", "job", "query"})


@dataclass(frozen=True)
class Failure:
    """A failed task, stage, job or SQL query: where, the event line, and Spark's own text."""

    line: int
    where: str
    text: str
    kind: FailureKind


@dataclass
class _Max:
    """The largest value seen so far and the event that showed it."""

    value: float = -1.0
    line: int = 0
    text: str = ""

    def offer(self, value: float, line: int, text: Callable[[], str]) -> None:
        if value > self.value:
            self.value, self.line, self.text = value, line, text()


@dataclass
class _Running:
    """A job or SQL query that has started and not ended."""

    line: int
    label: str
    action: str | None
    broadcast: bool = False
    # A job that is a broadcast exchange collecting its build side (read from its properties).
    build: bool = False
    # The action it belongs to: its SQL execution, or the job itself outside SQL.
    key: str = ""


@dataclass
class _CachedRdd:
    line: int
    name: str
    partitions: int
    level: str
    memory: int = 0


@dataclass
class EventLogScan:
    """Feed it events in order; then ``facts()`` and ``failures`` say what the log showed."""

    config: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Settings a SQL session changed (SET key=value), as its queries record them.
    session_config: dict[str, tuple[str, int]] = field(default_factory=dict)
    spark_version: tuple[str, int] | None = None
    app: str = ""
    last_line: int = 0
    last_event: str = ""
    ended: tuple[int, int | None] | None = None
    counts: Counter[str] = field(default_factory=Counter)
    largest_stage: _Max = field(default_factory=_Max)
    largest_task_result: _Max = field(default_factory=_Max)
    largest_stage_result: _Max = field(default_factory=_Max)
    largest_broadcast: dict[str, _Max] = field(default_factory=dict)
    # The most partitions a shuffle in a SQL plan writes (every one a task of the next stage).
    largest_partitioning: _Max = field(default_factory=_Max)
    # The longest physical plan description a SQL query recorded (the driver keeps the plan
    # and, for the UI, its description).
    largest_plan: _Max = field(default_factory=_Max)
    failures: list[Failure] = field(default_factory=list)
    stage_results: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    # Every task result the driver received (bytes, tasks, line of the last): over a loop of
    # jobs, what it received and what it kept may be far more than any one job's result.
    results_received: list[int] = field(default_factory=lambda: [0, 0, 0])
    jobs: dict[int, _Running] = field(default_factory=dict)
    queries: dict[int, _Running] = field(default_factory=dict)
    failed_actions: list[tuple[_Running, str]] = field(default_factory=list)
    # The application's last job, when it brought a whole result to the driver (collect,
    # toPandas); None once a job of another kind starts.
    last_result_job: _Running | None = None
    broadcast_accumulators: dict[int, int] = field(default_factory=dict)
    cached: dict[int, _CachedRdd] = field(default_factory=dict)
    # The first streaming query's start event: (line, query name or id).
    streaming: tuple[int, str] | None = None
    # The driver JVM's command line (sun.java.command): what spark-submit was asked to run.
    launch: tuple[str, int] | None = None
    # Per call site of collect-like jobs: each action (a SQL execution, or a job outside SQL)
    # with the line of its first job start.
    collect_sites: dict[str, dict[str, int]] = field(default_factory=dict)
    # The most collect-like actions running at once (distinct actions among the running jobs),
    # with the line of the job start that reached it: threads collecting side by side each
    # hold a whole result in the one driver heap at the same time.
    concurrent_collects: tuple[int, int] = (0, 0)
    # Tasks that had ended when the first OutOfMemoryError was recorded, and that event's line.
    oom_after_tasks: tuple[int, int] | None = None
    # The highest stage id submitted so far, and at the first OutOfMemoryError (with its line):
    # stage ids count every stage the application submitted, as in a driver log.
    highest_stage: int = -1
    oom_after_stages: tuple[int, int] | None = None
    # The driver's block manager: its storage memory in bytes and the event's line.
    driver_storage: tuple[int, int] | None = None

    def feed(self, event: Event) -> None:
        self.last_line, self.last_event = event.line, event.name
        self.counts["events"] += 1
        handler = _HANDLERS.get(event.name)
        if handler is not None:
            handler(self, event.line, event.body)

    # --- application and environment ------------------------------------------------------

    def _log_start(self, line: int, body: dict[str, Any]) -> None:
        self.spark_version = (str(body.get("Spark Version", "")), line)

    def _environment(self, line: int, body: dict[str, Any]) -> None:
        self.config.update({k: (v, line) for k, v in _section(body, "Spark Properties").items()})
        # A partition-count setting is how many partitions every shuffle (or an RDD without a
        # count of its own) gets, as the text path reads it from a spark-defaults line.
        for key in PARTITION_SETTINGS:
            value = self.config.get(key, ("", 0))[0].strip()
            if value.isdigit():
                self.largest_partitioning.offer(int(value), line, partial(_env, key, value))
        command = _section(body, "System Properties").get("sun.java.command")
        if command is not None:
            self.launch = (command, line)

    def _block_manager_added(self, line: int, body: dict[str, Any]) -> None:
        if str((body.get("Block Manager ID") or {}).get("Executor ID")) != "driver":
            return
        memory = body.get("Maximum Onheap Memory", body.get("Maximum Memory"))
        if isinstance(memory, int) and memory > 0:
            self.driver_storage = (memory, line)

    def _app_start(self, _line: int, body: dict[str, Any]) -> None:
        self.app = f"{body.get('App Name', '')} ({body.get('App ID', '')})"

    def _app_end(self, line: int, body: dict[str, Any]) -> None:
        code = body.get("ExitCode")
        self.ended = (line, int(code) if isinstance(code, int) else None)

    # --- jobs, stages, tasks -----------------------------------------------------------------

    def _job_start(self, line: int, body: dict[str, Any]) -> None:
        self.counts["jobs"] += 1
        job = int(body.get("Job ID", -1))
        properties = body.get("Properties") or {}
        site = str(properties.get("callSite.short", "") or "") or _result_stage_name(body)
        action = _action(site)
        build = _builds_a_broadcast(properties)
        if build:
            label = f"job {job} (a broadcast exchange building its relation)"
        else:
            label = f"job {job}" + (f" ({site})" if site else "")
        execution = properties.get("spark.sql.execution.id")
        action_key = f"sql {execution}" if execution is not None else f"job {job}"
        self.jobs[job] = _Running(line, label, action, broadcast=build, build=build, key=action_key)
        self.last_result_job = self.jobs[job] if action in WHOLE_RESULT_ACTIONS else None
        if action in WHOLE_RESULT_ACTIONS:
            # One DataFrame action runs a job per shuffle stage (all with its call site and SQL
            # execution id): count actions, not jobs.
            started = self.collect_sites.setdefault(site, {})
            started.setdefault(action_key, line)
            running = {r.key for r in self.jobs.values() if r.action in WHOLE_RESULT_ACTIONS}
            if len(running) > self.concurrent_collects[0]:
                self.concurrent_collects = (len(running), line)
        for info in body.get("Stage Infos", []):
            self._offer_stage(line, info, f"SparkListenerJobStart job {job}")

    def _job_end(self, line: int, body: dict[str, Any]) -> None:
        job = int(body.get("Job ID", -1))
        running = self.jobs.pop(job, None)
        result = body.get("Job Result") or {}
        if result.get("Result") != "JobFailed":
            return
        self.counts["failed_jobs"] += 1
        exception = result.get("Exception") or {}
        label = running.label if running else f"job {job}"
        self._failure(line, label, str(exception.get("Message", "job failed")), "job")
        if running is not None:
            self.failed_actions.append((running, "failed"))

    def _stage_submitted(self, line: int, body: dict[str, Any]) -> None:
        self.counts["stages"] += 1
        info = body.get("Stage Info") or {}
        self._offer_stage(line, info, "SparkListenerStageSubmitted")
        self._rdds(line, info)

    def _offer_stage(self, line: int, info: dict[str, Any], event: str) -> None:
        tasks = int(info.get("Number of Tasks", 0) or 0)
        stage = info.get("Stage ID")
        if isinstance(stage, int):
            self.highest_stage = max(self.highest_stage, stage)
        name = str(info.get("Stage Name", ""))
        self.largest_stage.offer(
            tasks, line, lambda: f"{event} stage {stage}: {tasks:,} tasks ({name})"
        )

    def _stage_completed(self, line: int, body: dict[str, Any]) -> None:
        info = body.get("Stage Info") or {}
        stage, attempt = int(info.get("Stage ID", -1)), int(info.get("Stage Attempt ID", 0))
        self._fold_stage_results((stage, attempt), line)
        self._rdds(line, info)
        reason = info.get("Failure Reason")
        if reason:
            self.counts["failed_stages"] += 1
            self._failure(line, f"stage {stage} (attempt {attempt})", str(reason), "stage")

    def _task_end(self, line: int, body: dict[str, Any]) -> None:
        self.counts["tasks"] += 1
        stage, attempt = int(body.get("Stage ID", -1)), int(body.get("Stage Attempt ID", 0))
        task = (body.get("Task Info") or {}).get("Task ID")
        size = int((body.get("Task Metrics") or {}).get("Result Size", 0) or 0)
        if size:
            totals = self.stage_results.setdefault((stage, attempt), [0, 0, line])
            totals[0] += size
            totals[1] += 1
            totals[2] = line
            received = self.results_received
            received[0] += size
            received[1] += 1
            received[2] = line
            self.largest_task_result.offer(
                size,
                line,
                lambda: (
                    f"SparkListenerTaskEnd task {task} of stage {stage}: "
                    f"result of {format_size(size)}"
                ),
            )
        reason = body.get("Task End Reason") or {}
        if reason.get("Reason", "Success") != "Success":
            self.counts["failed_tasks"] += 1
            self._failure(line, f"task {task} of stage {stage}", _task_failure(reason), "task")

    def _fold_stage_results(self, key: tuple[int, int], line: int) -> None:
        totals = self.stage_results.pop(key, None)
        if totals is None:
            return
        total, tasks, last = totals
        self.largest_stage_result.offer(
            total,
            last if line <= 0 else line,
            lambda: f"stage {key[0]}: {tasks:,} task results, {format_size(total)} in total",
        )

    def _rdds(self, line: int, info: dict[str, Any]) -> None:
        for rdd in info.get("RDD Info", []):
            level = _storage_level(rdd.get("Storage Level") or {})
            rdd_id = int(rdd.get("RDD ID", -1))
            if level == "NONE":
                continue
            known = self.cached.get(rdd_id)
            if known is None:
                if len(self.cached) >= MAX_CACHED_RDDS:
                    self.counts["cached_rdds_untracked"] += 1
                    continue
                partitions = int(rdd.get("Number of Partitions", 0) or 0)
                name = str(rdd.get("Name", ""))
                known = self.cached[rdd_id] = _CachedRdd(line, name, partitions, level)
            known.memory = max(known.memory, int(rdd.get("Memory Size", 0) or 0))

    def _unpersist(self, _line: int, body: dict[str, Any]) -> None:
        self.cached.pop(int(body.get("RDD ID", -1)), None)

    def _executor_removed(self, line: int, body: dict[str, Any]) -> None:
        reason = str(body.get("Removed Reason", ""))
        if _CLEAN_EXIT.search(reason):
            return  # it ended normally: no failure, whatever was running
        if _SHUTDOWN_SIGNAL.search(reason) and not (self.jobs or self.queries):
            # SIGTERM with nothing running: the application stopping its executors (its own
            # end, or after the driver failed), not an executor that failed.
            return
        if any(word in reason.lower() for word in ("memory", "exit code", "exited", "killed")):
            self._failure(line, f"executor {body.get('Executor ID')} removed", reason, "executor")

    # --- SQL -----------------------------------------------------------------------------------

    def _sql_start(self, line: int, body: dict[str, Any]) -> None:
        self.counts["queries"] += 1
        query = int(body.get("executionId", -1))
        description = str(body.get("description", ""))
        running = _Running(line, f"SQL query {query} ({description})", _action(description))
        self.queries[query] = running
        modified = body.get("modifiedConfigs")
        if isinstance(modified, dict):
            for key in AQE_PARTITION_SIZE_KEYS:
                if key in modified:
                    self.session_config[key] = (str(modified[key]), line)
        self._plan(line, query, body)

    def _plan(self, line: int, query: int, body: dict[str, Any]) -> None:
        plan = body.get("sparkPlanInfo")
        running = self.queries.get(query)
        if isinstance(plan, dict):
            exchanges = sum(1 for _ in plans.broadcast_nodes(plan))
            if exchanges and running is not None and not running.broadcast:
                running.broadcast = True
                self.counts["broadcast_exchanges"] += exchanges
            for accumulator in plans.data_size_accumulators(plan):
                self.broadcast_accumulators[accumulator] = query
        description = str(body.get("physicalPlanDescription", ""))
        if description:
            chars = len(description)
            self.largest_plan.offer(
                chars, line, lambda: f"SQL query {query}: a physical plan of {chars:,} characters"
            )
        for size in plans.described_sizes(description):
            self._offer_broadcast(size.bytes, line, query, size.how)
        shuffle = plans.shuffle_partitions(description)
        if shuffle is not None:
            count, node = shuffle
            self.largest_partitioning.offer(
                count, line, lambda: f"SQL query {query} shuffles into {count:,} partitions: {node}"
            )

    def _offer_broadcast(self, size: int, line: int, query: int, how: str) -> None:
        self.largest_broadcast.setdefault(how, _Max()).offer(
            size,
            line,
            lambda: (
                f"broadcast exchange of {'an estimated ' if how == 'estimated' else ''}"
                f"{format_size(size)} in SQL query {query} ({how})"
            ),
        )

    def _sql_update(self, line: int, body: dict[str, Any]) -> None:
        self._plan(line, int(body.get("executionId", -1)), body)

    def _accumulators(self, line: int, body: dict[str, Any]) -> None:
        for pair in body.get("accumUpdates", []):
            query = self.broadcast_accumulators.get(int(pair[0]))
            if query is not None:
                self._offer_broadcast(int(pair[1]), line, query, "built")

    def _sql_end(self, line: int, body: dict[str, Any]) -> None:
        query = int(body.get("executionId", -1))
        running = self.queries.pop(query, None)
        self.broadcast_accumulators = {
            a: q for a, q in self.broadcast_accumulators.items() if q != query
        }
        error = str(body.get("errorMessage", "") or "")
        if error:
            self.counts["failed_queries"] += 1
            self._failure(line, running.label if running else f"SQL query {query}", error, "query")
            if running is not None:
                self.failed_actions.append((running, "failed"))

    # --- structured streaming -------------------------------------------------------------------

    def _query_started(self, line: int, body: dict[str, Any]) -> None:
        self.counts["streaming_queries"] += 1
        if self.streaming is None:
            self.streaming = (line, str(body.get("name") or body.get("id") or "unnamed"))

    def _query_progress(self, _line: int, _body: dict[str, Any]) -> None:
        self.counts["streaming_batches"] += 1

    def _query_terminated(self, line: int, body: dict[str, Any]) -> None:
        exception = str(body.get("exception") or "")
        if exception:
            self.counts["failed_queries"] += 1
            self._failure(line, f"streaming query {body.get('id', '')}", exception, "query")

    def _failure(self, line: int, where: str, text: str, kind: FailureKind) -> None:
        key = text[:200]
        self.counts["failures"] += 1
        if self.oom_after_tasks is None and "OutOfMemoryError" in text:
            self.oom_after_tasks = (self.counts["tasks"], line)
            self.oom_after_stages = (self.highest_stage + 1, line)
        if len(self.failures) < MAX_FAILURES and all(f.text[:200] != key for f in self.failures):
            self.failures.append(Failure(line, where, text[:MAX_FAILURE_CHARS], kind))

    # --- facts ---------------------------------------------------------------------------------

    def finish(self) -> None:
        """Fold what was still running when the log ended (the driver died mid-stage)."""
        for key in list(self.stage_results):
            self._fold_stage_results(key, 0)

    def facts(self) -> list[Fact]:
        facts = self._config_facts() + self._count_facts() + self._size_facts()
        facts += self._cache_facts() + self._streaming_facts() + self._outcome_facts()
        return facts

    def _streaming_facts(self) -> list[Fact]:
        if self.streaming is None:
            return []
        line, name = self.streaming
        batches = self.counts["streaming_batches"]
        text = (
            f"{self.counts['streaming_queries']} streaming query started ({name}), "
            f"{batches:,} micro-batch progress events"
        )
        facts = [
            _fact("streaming", "yes", line, text),
            _fact("action", "streaming_query", line, text),
        ]
        if batches:
            facts.append(_fact("streaming_batches", str(batches), line, text))
        return facts

    def _config_facts(self) -> list[Fact]:
        facts: list[Fact] = []
        if self.spark_version and self.spark_version[0]:
            version, line = self.spark_version
            facts.append(_fact("spark_version", version, line, f"SparkListenerLogStart: {version}"))
        for key, name in CONFIG_FACTS.items():
            if key in self.config:
                value, line = self.config[key]
                size = parse_setting_size(value)
                if size is not None:
                    facts.append(_fact(name, str(size), line, _env(key, value)))
        # AQE's target partition size: as a SQL session last set it, else as the app started.
        for key in AQE_PARTITION_SIZE_KEYS:
            session = self.session_config.get(key)
            setting = session or self.config.get(key)
            size = None if setting is None else parse_bytes_setting(setting[0])
            if setting is not None and size is not None:
                value, line = setting
                text = (
                    f"SparkListenerSQLExecutionStart modifiedConfigs: {key}={value}"
                    if session
                    else _env(key, value)
                )
                facts.append(_fact("aqe_partition_size_bytes", str(size), line, text))
                break
        master = self.config.get("spark.master")
        mode = self.config.get("spark.submit.deployMode")
        if master is not None:
            facts.append(
                _fact("platform", _platform(master[0]), master[1], _env("spark.master", master[0]))
            )
        if master is not None and _platform(master[0]) == "local":
            facts.append(_fact("deploy_mode", "local", master[1], _env("spark.master", master[0])))
        elif mode is not None and mode[0] in ("client", "cluster"):
            facts.append(
                _fact("deploy_mode", mode[0], mode[1], _env("spark.submit.deployMode", mode[0]))
            )
        language = self._language()
        if language is not None:
            facts.append(language)
        if self.driver_storage is not None:
            memory, line = self.driver_storage
            text = (
                f"SparkListenerBlockManagerAdded: driver, {format_size(memory)} of storage memory"
            )
            facts.append(_fact("driver_storage_memory_bytes", str(memory), line, text))
        return facts

    def _language(self) -> Fact | None:
        """The application's language, from what spark-submit ran (the primary resource in the
        driver's command line), or a PySpark-only setting."""
        if self.launch is not None:
            command, line = self.launch
            language = _language_of(command)
            if language is not None:
                why = f"SparkListenerEnvironmentUpdate: sun.java.command={command}"[:300]
                return _fact("language", language, line, why)
        for key in ("spark.submit.pyFiles", "spark.python.version"):
            value, line = self.config.get(key, ("", 0))
            if value:
                return _fact("language", "pyspark", line, _env(key, value))
        return None

    def _count_facts(self) -> list[Fact]:
        counted = [
            ("num_jobs", "jobs", "jobs started"),
            ("num_stages", "stages", "stages submitted"),
            ("num_tasks_run", "tasks", "tasks finished"),
            ("failed_tasks", "failed_tasks", "tasks failed"),
            ("failed_stages", "failed_stages", "stages failed"),
            ("failed_jobs", "failed_jobs", "jobs failed"),
            ("failed_queries", "failed_queries", "SQL queries failed"),
        ]
        facts = [
            _fact(name, str(self.counts[key]), None, f"{self.counts[key]:,} {what} in the log")
            for name, key, what in counted
        ]
        if self.largest_stage.value >= 0:
            largest = self.largest_stage
            facts.append(_fact("num_tasks", str(int(largest.value)), largest.line, largest.text))
        if self.largest_partitioning.value >= 0:
            best = self.largest_partitioning
            facts.append(_fact("num_partitions", str(int(best.value)), best.line, best.text))
        if self.oom_after_tasks is not None and self.oom_after_tasks[0] > 0:
            tasks, line = self.oom_after_tasks
            text = f"{tasks:,} tasks had ended when the first OutOfMemoryError was recorded"
            facts.append(_fact("tasks_before_oom", str(tasks), line, text))
        if self.oom_after_stages is not None and self.oom_after_stages[0] > 0:
            stages, line = self.oom_after_stages
            text = (
                f"{stages:,} stages had been submitted when the first OutOfMemoryError was recorded"
            )
            facts.append(_fact("stages_before_oom", str(stages), line, text))
        if self.collect_sites:
            site, actions = max(self.collect_sites.items(), key=lambda item: len(item[1]))
            text = f"{len(actions):,} actions started jobs at {site}"
            last = max(actions.values())
            facts.append(_fact("collects_from_one_site", str(len(actions)), last, text))
            most, line = self.concurrent_collects
            text = f"at most {most:,} collect-like action(s) running at once"
            facts.append(_fact("concurrent_collects", str(most), line, text))
        for failure in self.failures[:5]:
            first = failure.text.strip().splitlines()[0][:300] if failure.text.strip() else ""
            facts.append(_fact("failure_reason", first, failure.line, f"{failure.where}: {first}"))
        return facts

    def _size_facts(self) -> list[Fact]:
        facts: list[Fact] = []
        for name, best in (
            ("max_task_result_bytes", self.largest_task_result),
            ("result_size_bytes", self.largest_stage_result),
            *(("broadcast_size_bytes", best) for best in self._broadcasts()),
        ):
            if best.value >= 0:
                facts.append(_fact(name, str(int(best.value)), best.line, best.text))
        total, tasks, last = self.results_received
        if total:
            text = f"{tasks:,} task results received, {format_size(total)} in all"
            facts.append(_fact("results_received_bytes", str(total), last, text))
        if self.largest_plan.value > 0:
            plan = self.largest_plan
            chars = str(int(plan.value))
            facts.append(_fact("plan_description_chars", chars, plan.line, plan.text))
        if self.counts["broadcast_exchanges"]:
            count = self.counts["broadcast_exchanges"]
            facts.append(
                _fact(
                    "broadcast_exchanges",
                    str(count),
                    None,
                    f"{count} BroadcastExchange nodes in SQL plans",
                )
            )
        return facts

    def _broadcasts(self) -> list[_Max]:
        """The largest broadcast of each kind of size, what was built first."""
        order = ("built", "runtime statistics", "estimated")
        return [self.largest_broadcast[how] for how in order if how in self.largest_broadcast]

    def _cache_facts(self) -> list[Fact]:
        if not self.cached:
            return []
        rdds = list(self.cached.values())
        partitions = sum(r.partitions for r in rdds)
        memory = sum(r.memory for r in rdds)
        level, _ = Counter(r.level for r in rdds).most_common(1)[0]
        first = rdds[0]
        summary = (
            f"{len(rdds)} cached RDDs ({first.name or 'unnamed'}, ...), {partitions:,} partitions, "
            + (f"{format_size(memory)} in memory, " if memory else "")
            + f"mostly {level}"
        )
        return [
            _fact(
                "cached_rdds",
                str(len(rdds) + self.counts["cached_rdds_untracked"]),
                first.line,
                summary,
            ),
            _fact("num_cached_blocks", str(partitions), first.line, summary),
            _fact("storage_level", level, first.line, summary),
        ]

    def _outcome_facts(self) -> list[Fact]:
        facts: list[Fact] = []
        if self.ended is None:
            running = list(self.queries.values()) + list(self.jobs.values())
            what = f"; still running: {running[0].label}" if running else ""
            facts.append(
                _fact(
                    "driver_died",
                    "yes",
                    self.last_line,
                    f"no SparkListenerApplicationEnd: the log stops at line {self.last_line} "
                    f"({self.last_event}){what}",
                )
            )
            culprits = [(r, "running when the log stopped") for r in running]
        else:
            line, code = self.ended
            facts.append(_fact("driver_died", "no", line, "SparkListenerApplicationEnd"))
            if code:
                facts.append(
                    _fact(
                        "exit_code",
                        str(code),
                        line,
                        f"SparkListenerApplicationEnd: exit code {code}",
                    )
                )
            culprits = []
            last = self.last_result_job
            if last is not None and last.action and not self.failed_actions:
                # Nothing failed in the JVM: the last whole result went to the driver program,
                # where whatever went wrong after the log's end happened. A job's call site says
                # where it came from, so this is not the failing action.
                label = f"{last.label}, the last job, a result brought to the driver before the end"
                facts.append(_fact("last_result_action", last.action, last.line, label))
        for culprit, how in culprits + self.failed_actions:
            label = f"{culprit.label}, {how}"
            if culprit.action is not None:
                facts.append(_fact("action", culprit.action, culprit.line, label))
            if culprit.broadcast:
                facts.append(
                    _fact("action", "broadcast", culprit.line, f"{label} (BroadcastExchange)")
                )
            if culprit.build:
                facts.append(_fact("failed_job", "broadcast_build", culprit.line, label))
        return facts


def _fact(name: str, value: str, line: int | None, text: str) -> Fact:
    return Fact(name=name, value=value, line=line, text=text[:300], source="event_log")


def _section(body: dict[str, Any], name: str) -> dict[str, str]:
    """One section of an environment update as a mapping (Spark writes a JSON object; some
    writers a list of [key, value] pairs)."""
    section = body.get(name) or {}
    pairs = section.items() if isinstance(section, dict) else (tuple(p) for p in section)
    return {str(k): str(v) for k, v in pairs}


def _env(key: str, value: str) -> str:
    return f"SparkListenerEnvironmentUpdate: {key}={value}"[:300]


def _platform(master: str) -> str:
    # local-cluster[...] is a standalone master with executor JVMs of their own, in one host.
    if master.startswith("local-cluster"):
        return "standalone"
    for prefix, platform in (("local", "local"), ("yarn", "yarn"), ("k8s://", "kubernetes")):
        if master.startswith(prefix):
            return platform
    return "standalone" if master.startswith("spark://") else "local"


# What spark-submit was asked to run, as the last words of the driver's command line.
_LAUNCHED = (
    (re.compile(r"\bpyspark-shell(?:-main)?\b|\.py(?:\s|$)"), "pyspark"),
    (re.compile(r"\bsparkr-shell(?:-main)?\b|\.[Rr](?:\s|$)"), "r"),
    (re.compile(r"\bSparkSQLCLIDriver\b|\bspark-internal\b"), "sql"),
    (re.compile(r"\bspark-shell\b|\borg\.apache\.spark\.repl\.Main\b"), "scala"),
)


def _language_of(command: str) -> str | None:
    """The language of the application a ``sun.java.command`` line launched (None: a jar,
    whose language the command line does not tell)."""
    if "SparkSubmit" not in command:
        return None
    for pattern, language in _LAUNCHED:
        if pattern.search(command):
            return language
    return None


# BroadcastExchangeExec runs its build-side job with the description (up to 3.4, under a job
# group named by the runId) or the job tag (3.5 on) "broadcast exchange (runId <uuid>)".
_BROADCAST_JOB = "broadcast exchange (runId "


def _builds_a_broadcast(properties: dict[str, Any]) -> bool:
    return any(
        _BROADCAST_JOB in str(properties.get(key, "") or "")
        for key in ("spark.job.tags", "spark.job.description")
    )


def _result_stage_name(body: dict[str, Any]) -> str:
    """The name of a job's result stage: Spark names it after the job's call site, which is all
    a job has when its properties carry none (a job the JVM started under a PySpark call, such
    as MulticlassMetrics' collectAsMap under an evaluator's evaluate). The result stage is the
    job's last one created, so the one with the highest id."""
    infos = [i for i in body.get("Stage Infos") or [] if isinstance(i, dict)]
    if not infos:
        return ""
    last = max(infos, key=lambda i: int(i.get("Stage ID", -1)))
    return str(last.get("Stage Name", "") or "")


def _action(site: str) -> str | None:
    word = site.split(" at ", 1)[0].strip()
    return CALL_SITE_ACTIONS.get(word) if " at " in site else None


def _storage_level(level: dict[str, Any]) -> str:
    disk, memory = bool(level.get("Use Disk")), bool(level.get("Use Memory"))
    off_heap, deserialized = bool(level.get("Use Off Heap")), bool(level.get("Deserialized"))
    if not (disk or memory or off_heap):
        return "NONE"
    if off_heap:
        name = "OFF_HEAP"
    elif memory:
        name = "MEMORY_AND_DISK" if disk else "MEMORY_ONLY"
        name += "" if deserialized else "_SER"
    else:
        name = "DISK_ONLY"
    replication = int(level.get("Replication", 1) or 1)
    return name + (f"_{replication}" if replication > 1 else "")


# A task end reason the event log records by its name alone, as Spark prints it (the reason's
# toErrorString in TaskEndReason.scala): the words a driver log and the UI show for it.
_PRINTED_REASONS = {
    "TaskResultLost": "TaskResultLost (result lost from block manager)",
    "Resubmitted": "Resubmitted (resubmitted due to lost executor)",
}


def _task_failure(reason: dict[str, Any]) -> str:
    kind = str(reason.get("Reason", "unknown"))
    if kind == "ExceptionFailure":
        full = reason.get("Full Stack Trace")
        if full:
            return str(full)
        frames = [
            f"\tat {f.get('Declaring Class')}.{f.get('Method Name')}"
            f"({f.get('File Name')}:{f.get('Line Number')})"
            for f in (reason.get("Stack Trace") or [])[:MAX_FRAMES]
        ]
        head = f"{reason.get('Class Name', 'Exception')}: {reason.get('Description', '')}"
        return "\n".join([head, *frames])
    printed = _printed_failure(kind, reason)
    if printed is not None:
        return printed
    # A reason this reader does not know: its name and whatever message it carries.
    message = reason.get("Message")
    return f"{kind}: {message}" if message not in (None, "") else kind


def _printed_failure(kind: str, reason: dict[str, Any]) -> str | None:
    """A task failure other than an exception, in the words Spark prints for it (toErrorString
    in TaskEndReason.scala, from the fields JsonProtocol writes); None for a kind not known."""
    if kind in _PRINTED_REASONS:
        return _PRINTED_REASONS[kind]
    if kind == "ExecutorLostFailure":
        how = (
            "caused by one of the running tasks"
            if reason.get("Exit Caused By App", True)
            else "unrelated to the running tasks"
        )
        loss = reason.get("Loss Reason")
        return f"ExecutorLostFailure (executor {reason.get('Executor ID')} exited {how})" + (
            f" Reason: {loss}" if loss else ""
        )
    if kind == "TaskKilled":
        return f"TaskKilled ({reason.get('Kill Reason') or 'killed intentionally'})"
    if kind == "TaskCommitDenied":
        return (
            f"TaskCommitDenied (Driver denied task commit) for job: {reason.get('Job ID')}, "
            f"partition: {reason.get('Partition ID')}, "
            f"attemptNumber: {reason.get('Attempt Number')}"
        )
    if kind == "FetchFailed":
        address = reason.get("Block Manager Address")
        manager = (
            f"BlockManagerId({address.get('Executor ID')}, {address.get('Host')}, "
            f"{address.get('Port')}, None)"
            if isinstance(address, dict)
            else "null"
        )
        return (
            f"FetchFailed({manager}, shuffleId={reason.get('Shuffle ID')}, "
            f"mapIndex={reason.get('Map Index', 'Unknown')}, mapId={reason.get('Map ID')}, "
            f"reduceId={reason.get('Reduce ID')}, message=\n{reason.get('Message', '')}\n)"
        )
    return None


_HANDLERS: dict[str, Callable[[EventLogScan, int, dict[str, Any]], None]] = {
    "SparkListenerLogStart": EventLogScan._log_start,
    "SparkListenerEnvironmentUpdate": EventLogScan._environment,
    "SparkListenerApplicationStart": EventLogScan._app_start,
    "SparkListenerBlockManagerAdded": EventLogScan._block_manager_added,
    "SparkListenerApplicationEnd": EventLogScan._app_end,
    "SparkListenerJobStart": EventLogScan._job_start,
    "SparkListenerJobEnd": EventLogScan._job_end,
    "SparkListenerStageSubmitted": EventLogScan._stage_submitted,
    "SparkListenerStageCompleted": EventLogScan._stage_completed,
    "SparkListenerTaskEnd": EventLogScan._task_end,
    "SparkListenerUnpersistRDD": EventLogScan._unpersist,
    "SparkListenerExecutorRemoved": EventLogScan._executor_removed,
    "SparkListenerSQLExecutionStart": EventLogScan._sql_start,
    "SparkListenerSQLAdaptiveExecutionUpdate": EventLogScan._sql_update,
    "SparkListenerDriverAccumUpdates": EventLogScan._accumulators,
    "SparkListenerSQLExecutionEnd": EventLogScan._sql_end,
    "StreamingQueryListener$QueryStartedEvent": EventLogScan._query_started,
    "StreamingQueryListener$QueryProgressEvent": EventLogScan._query_progress,
    "StreamingQueryListener$QueryTerminatedEvent": EventLogScan._query_terminated,
}
