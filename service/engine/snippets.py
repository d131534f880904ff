"""Config settings rendered in the four forms users paste: spark-submit, spark-defaults.conf,
PySpark and Scala. Launch-scope keys are marked where a running session cannot apply them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, get_args

from kb.models import CodeChange, ConfigSetting, SnippetForm

# spark-submit has a dedicated flag for these keys; --conf works too but the flag is idiomatic.
SUBMIT_FLAGS = {
    "spark.driver.memory": "--driver-memory",
    "spark.executor.memory": "--executor-memory",
    "spark.executor.cores": "--executor-cores",
    "spark.submit.deployMode": "--deploy-mode",
    "spark.driver.cores": "--driver-cores",
}
LAUNCH_NOTE = (
    "Launch settings are read once, when the driver JVM starts: pass them to spark-submit or",
    "put them in spark-defaults.conf. In code they only apply to a brand-new application.",
)


def spark_submit(configs: Sequence[ConfigSetting]) -> str:
    parts = ["spark-submit"]
    for config in configs:
        flag = SUBMIT_FLAGS.get(config.key)
        parts.append(f"{flag} {config.value}" if flag else f"--conf {config.key}={config.value}")
    parts.append("your_app.py")
    return " \\\n  ".join(parts)


def spark_defaults(configs: Sequence[ConfigSetting]) -> str:
    width = max(len(c.key) for c in configs)
    return "\n".join(f"{c.key:<{width}}  {c.value}" for c in configs)


def pyspark(configs: Sequence[ConfigSetting]) -> str:
    return _session_code(configs, "SparkSession.builder", "    ", "python")


def scala(configs: Sequence[ConfigSetting]) -> str:
    return _session_code(configs, "SparkSession.builder()", "  ", "scala")


def _session_code(configs: Sequence[ConfigSetting], builder: str, indent: str, lang: str) -> str:
    comment = "#" if lang == "python" else "//"
    launch = [c for c in configs if c.scope == "launch"]
    runtime = [c for c in configs if c.scope == "runtime"]
    lines: list[str] = []
    if launch:
        lines.extend(f"{comment} {note}" for note in LAUNCH_NOTE)
        open_paren, close_paren = ("(", ")") if lang == "python" else ("", "")
        lines.append(f"spark = {open_paren}{builder}")
        lines.extend(f'{indent}.config("{c.key}", "{c.value}")' for c in launch)
        lines.append(f"{indent}.getOrCreate(){close_paren}")
    if runtime:
        if launch:
            lines.append("")
        lines.extend(f'spark.conf.set("{c.key}", "{c.value}")' for c in runtime)
    if lang == "scala" and launch:
        lines[2] = lines[2].replace("spark =", "val spark =")
    return "\n".join(lines)


def render(configs: Sequence[ConfigSetting]) -> dict[str, str]:
    """All four forms, keyed ``spark_submit``, ``spark_defaults``, ``pyspark``, ``scala``."""
    if not configs:
        return {}
    return {
        "spark_submit": spark_submit(configs),
        "spark_defaults": spark_defaults(configs),
        "pyspark": pyspark(configs),
        "scala": scala(configs),
    }


# The code language each config form stands for: the PySpark form shows the Python code
# changes, the Scala form the Scala ones (SQL and shell in both); the config-file forms show
# every language, and so does a fix with no code in the form's language.
FORM_LANGUAGE = {"pyspark": "python", "scala": "scala"}
ANY_FORM_LANGUAGES = ("sql", "shell")
FORMS: tuple[str, ...] = get_args(SnippetForm)
# What every channel calls each form (the CLI's --form help, the pages, the widget's switch).
FORM_LABELS: dict[str, str] = {
    "spark_submit": "spark-submit",
    "spark_defaults": "spark-defaults.conf",
    "pyspark": "PySpark",
    "scala": "Scala",
}
assert tuple(FORM_LABELS) == FORMS, "a label for every snippet form, in the KB's order"
C = TypeVar("C", bound=CodeChange)


def code_for_form(code: Sequence[C], form: str) -> list[C]:
    """The code changes shown with ``form``."""
    language = FORM_LANGUAGE.get(form)
    chosen = [c for c in code if language is None or c.language in (language, *ANY_FORM_LANGUAGES)]
    return chosen or list(code)


def forms_of(code: Sequence[CodeChange]) -> list[list[str]]:
    """For each code change, the forms it is shown with."""
    shown = {form: code_for_form(code, form) for form in FORMS}
    return [[f for f in FORMS if any(c is change for c in shown[f])] for change in code]
