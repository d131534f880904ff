"""Config snippets in the four forms users paste (service/engine/snippets.py)."""

from __future__ import annotations

import pytest

from kb.models import CodeChange, CodeLanguage, ConfigScope, ConfigSetting
from service.engine.snippets import (
    FORM_LABELS,
    FORMS,
    LAUNCH_NOTE,
    SUBMIT_FLAGS,
    code_for_form,
    forms_of,
    pyspark,
    render,
    scala,
    spark_defaults,
    spark_submit,
)


def setting(key: str, value: str, scope: ConfigScope = "runtime") -> ConfigSetting:
    return ConfigSetting(key=key, value=value, scope=scope)


def change(language: CodeLanguage, after: str = "code") -> CodeChange:
    return CodeChange(language=language, after=f"{language}: {after}")


MEMORY = setting("spark.driver.memory", "8g", "launch")
OVERHEAD = setting("spark.driver.memoryOverhead", "1g", "launch")
RESULT = setting("spark.driver.maxResultSize", "4g")
PARTITIONS = setting("spark.sql.shuffle.partitions", "400")


def test_spark_submit_uses_dedicated_flag_and_conf_otherwise() -> None:
    assert spark_submit([MEMORY, RESULT]) == (
        "spark-submit \\\n"
        "  --driver-memory 8g \\\n"
        "  --conf spark.driver.maxResultSize=4g \\\n"
        "  your_app.py"
    )


@pytest.mark.parametrize(("key", "flag"), sorted(SUBMIT_FLAGS.items()))
def test_spark_submit_uses_flag_for_each_flag_key(key: str, flag: str) -> None:
    assert spark_submit([setting(key, "2")]).splitlines()[1] == f"  {flag} 2 \\"


def test_spark_submit_keeps_settings_in_order() -> None:
    lines = spark_submit([RESULT, OVERHEAD, MEMORY]).splitlines()
    assert lines == [
        "spark-submit \\",
        "  --conf spark.driver.maxResultSize=4g \\",
        "  --conf spark.driver.memoryOverhead=1g \\",
        "  --driver-memory 8g \\",
        "  your_app.py",
    ]


def test_spark_defaults_aligns_values_past_the_longest_key() -> None:
    assert spark_defaults([MEMORY, PARTITIONS]) == (
        "spark.driver.memory           8g\nspark.sql.shuffle.partitions  400"
    )


def test_spark_defaults_single_key_has_two_spaces() -> None:
    assert spark_defaults([RESULT]) == "spark.driver.maxResultSize  4g"


def test_pyspark_launch_keys_come_with_the_launch_note() -> None:
    assert pyspark([MEMORY, RESULT]).splitlines() == [
        f"# {LAUNCH_NOTE[0]}",
        f"# {LAUNCH_NOTE[1]}",
        "spark = (SparkSession.builder",
        '    .config("spark.driver.memory", "8g")',
        "    .getOrCreate())",
        "",
        'spark.conf.set("spark.driver.maxResultSize", "4g")',
    ]


def test_pyspark_runtime_keys_only_use_conf_set() -> None:
    assert pyspark([RESULT, PARTITIONS]) == (
        'spark.conf.set("spark.driver.maxResultSize", "4g")\n'
        'spark.conf.set("spark.sql.shuffle.partitions", "400")'
    )


def test_pyspark_launch_keys_only_have_no_conf_set() -> None:
    code = pyspark([MEMORY, OVERHEAD])
    assert "spark.conf.set" not in code
    assert code.splitlines()[-3:] == [
        '    .config("spark.driver.memory", "8g")',
        '    .config("spark.driver.memoryOverhead", "1g")',
        "    .getOrCreate())",
    ]


def test_scala_launch_keys_come_with_the_launch_note() -> None:
    assert scala([MEMORY, RESULT]).splitlines() == [
        f"// {LAUNCH_NOTE[0]}",
        f"// {LAUNCH_NOTE[1]}",
        "val spark = SparkSession.builder()",
        '  .config("spark.driver.memory", "8g")',
        "  .getOrCreate()",
        "",
        'spark.conf.set("spark.driver.maxResultSize", "4g")',
    ]


def test_scala_runtime_keys_only_use_conf_set() -> None:
    assert scala([RESULT]) == 'spark.conf.set("spark.driver.maxResultSize", "4g")'


def test_render_gives_every_form() -> None:
    forms = render([MEMORY, RESULT])
    assert tuple(forms) == FORMS
    assert forms["spark_submit"] == spark_submit([MEMORY, RESULT])
    assert forms["spark_defaults"] == spark_defaults([MEMORY, RESULT])
    assert forms["pyspark"] == pyspark([MEMORY, RESULT])
    assert forms["scala"] == scala([MEMORY, RESULT])


def test_render_of_no_settings_is_empty() -> None:
    assert render([]) == {}


def test_form_labels_have_a_label_per_form_in_forms_order() -> None:
    assert FORMS == ("spark_submit", "spark_defaults", "pyspark", "scala")
    assert tuple(FORM_LABELS) == FORMS
    assert list(FORM_LABELS.values()) == ["spark-submit", "spark-defaults.conf", "PySpark", "Scala"]


def test_code_for_pyspark_form_shows_python_sql_and_shell() -> None:
    code = [change(lang) for lang in ("python", "scala", "sql", "shell", "conf")]
    assert [c.language for c in code_for_form(code, "pyspark")] == ["python", "sql", "shell"]


def test_code_for_scala_form_shows_scala_sql_and_shell() -> None:
    code = [change(lang) for lang in ("python", "scala", "sql", "shell", "conf")]
    assert [c.language for c in code_for_form(code, "scala")] == ["scala", "sql", "shell"]


@pytest.mark.parametrize("form", ["spark_submit", "spark_defaults"])
def test_code_for_config_file_form_shows_every_language(form: str) -> None:
    code = [change(lang) for lang in ("python", "scala", "sql", "shell", "conf")]
    assert code_for_form(code, form) == code


def test_code_for_form_without_code_in_its_language_shows_all() -> None:
    code = [change("scala"), change("conf")]
    assert code_for_form(code, "pyspark") == code


def test_code_for_form_of_no_code_is_empty() -> None:
    assert code_for_form([], "pyspark") == []


def test_forms_of_says_which_forms_show_each_change() -> None:
    code = [change("python"), change("scala"), change("sql")]
    assert forms_of(code) == [
        ["spark_submit", "spark_defaults", "pyspark"],
        ["spark_submit", "spark_defaults", "scala"],
        ["spark_submit", "spark_defaults", "pyspark", "scala"],
    ]


def test_forms_of_tells_equal_changes_apart_by_identity() -> None:
    first, second = change("python", "same"), change("python", "same")
    assert first == second
    assert forms_of([first, second, change("scala")]) == [
        ["spark_submit", "spark_defaults", "pyspark"],
        ["spark_submit", "spark_defaults", "pyspark"],
        ["spark_submit", "spark_defaults", "scala"],
    ]


def test_forms_of_single_language_shows_it_everywhere() -> None:
    assert forms_of([change("scala")]) == [list(FORMS)]
