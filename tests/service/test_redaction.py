"""Secrets planted in a realistic driver log are nowhere to be found after a diagnosis: not in
the API's answers, the stored case, the database rows, the logs, nor what is posted to Slack."""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import settings as fuzzing
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlalchemy import MetaData, create_engine, select

from service.api.app import create_app
from service.api.logs import JsonFormatter
from service.config import Settings
from service.engine import Engine
from service.redact import redact
from tests.service.channels.slack_helpers import (
    SIGNING_SECRET,
    Receiver,
    command_body,
    loopback_receiver,
    sign,
)

SPARK_DATA = Path(__file__).resolve().parent.parent / "data" / "spark"

# kind -> the secret values planted in LOG below (each must appear there verbatim).
SECRETS: dict[str, list[str]] = {
    "aws access key": ["AKIAQ3EGRTLD5EXAMPL1", "ASIAY34FZKBOKMUTVV7A"],
    "aws secret key": [
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE1",
        "9drTJvcXLB89EXAMPLELB8923FB892xMFI/Q2EX",
        "Zq8vN2pL4tR7wX0yB3dF6hJ9kM1nQ5sU8vY2aC4e",
        "AQoDYXdzEJr1K2EXAMPLEsessiontokenEXAMPLE7f",
    ],
    "jdbc password": [
        "Pg-S3cret-41x",
        "Ms$ecret!92",
        "My5ql-Secret-77",
        "Tiger-Or4cle",
        "Rs-Redsh1ft-08",
        "Opt-Secret-55",
        "Props-Secret-63",
    ],
    "bearer token": [
        "7f1c0a9e4b2d8c6a5e3f1b9d7c5a3e1f",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldGwtam9iIn0.c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ",
        "dXNlcjpCYXNpYy1TZWNyZXQtMzM=",
    ],
    "private key": [
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz",
        "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49",
    ],
    "databricks token": [
        "dapi0123456789abcdef0123456789abcdef",
        "dapifedcba9876543210fedcba9876543210-2",
    ],
    "slack token": [
        "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
        "xoxp-2222222222-3333333333-4444444444-abcdef0123456789abcdef0123456789",
        "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    ],
    "password in url": ["Url-P4ss-99", "Mongo-Pw-31"],
    "spark password setting": [
        "Ks-Secret-12",
        "Ts-Secret-13",
        "Hive-Meta-44",
        "AzureKeyEXAMPLE0123456789abcdefghij+/==",
        "Sasl-Secret-21",
        "Gcp-Sa-Secret-66",
    ],
    # Shapes that once survived redaction (Azure, Snowflake from Scala, a bare Basic, GCP).
    "cloud credentials": [
        "Zm9vYmFyYXp1cmVhY2NvdW50a2V5c2VjcmV0MDEyMzQ1Njc4OQ==",
        "sAsSiGnAtUrE0123456789%2Bab%3D",
        "Sf-Scala-Secret-52",
        "ZXRsLXVzZXI6QmFzaWMtU2VjcmV0LTMx",
        "0123456789abcdef0123456789abcdef01234567",
    ],
}
ALL_SECRETS = [s for values in SECRETS.values() for s in values]

LOG = """\
26/01/12 10:14:03 INFO SparkContext: Running Spark version 3.5.1
26/01/12 10:14:03 INFO SparkContext: Spark configuration:
spark.app.name=nightly-etl
spark.driver.memory=4g
spark.driver.maxResultSize=1g
spark.hadoop.fs.s3a.access.key=AKIAQ3EGRTLD5EXAMPL1
spark.hadoop.fs.s3a.secret.key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE1
spark.ssl.keyStorePassword=Ks-Secret-12
spark.ssl.trustStorePassword Ts-Secret-13
spark.hadoop.javax.jdo.option.ConnectionPassword=Hive-Meta-44
spark.hadoop.fs.azure.account.key.etlstore.dfs.core.windows.net=AzureKeyEXAMPLE0123456789abcdefghij+/==
spark.authenticate.secret=Sasl-Secret-21
26/01/12 10:14:04 INFO Env: AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A AWS_SECRET_ACCESS_KEY=9drTJvcXLB89EXAMPLELB8923FB892xMFI/Q2EX
26/01/12 10:14:04 INFO Env: AWS_SESSION_TOKEN=AQoDYXdzEJr1K2EXAMPLEsessiontokenEXAMPLE7f
26/01/12 10:14:04 INFO Credentials: "secretAccessKey": "Zq8vN2pL4tR7wX0yB3dF6hJ9kM1nQ5sU8vY2aC4e"
26/01/12 10:14:05 INFO JDBCRelation: url jdbc:postgresql://db.internal:5432/sales?user=etl&password=Pg-S3cret-41x
26/01/12 10:14:05 INFO JDBCRelation: url jdbc:sqlserver://sql.internal:1433;databaseName=dw;user=etl;password=Ms$ecret!92;encrypt=true
26/01/12 10:14:05 INFO JDBCRelation: url jdbc:mysql://etl:My5ql-Secret-77@mysql.internal:3306/shop
26/01/12 10:14:05 INFO JDBCRelation: url jdbc:oracle:thin:scott/Tiger-Or4cle@//ora.internal:1521/ORCL
26/01/12 10:14:05 INFO JDBCRelation: url jdbc:redshift://rs.internal:5439/dw;UID=etl;PWD=Rs-Redsh1ft-08
df = spark.read.format("jdbc").option("url", url).option("password", "Opt-Secret-55").load()
props.put("password", "Props-Secret-63")
26/01/12 10:14:06 INFO RestClient: GET https://api.internal/v2/jobs Authorization: Bearer 7f1c0a9e4b2d8c6a5e3f1b9d7c5a3e1f
26/01/12 10:14:06 INFO RestClient: headers={'Authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldGwtam9iIn0.c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ'}
26/01/12 10:14:06 INFO RestClient: Authorization: Basic dXNlcjpCYXNpYy1TZWNyZXQtMzM=
26/01/12 10:14:06 INFO Databricks: DATABRICKS_TOKEN=dapi0123456789abcdef0123456789abcdef host=https://adb-1.azuredatabricks.net
26/01/12 10:14:06 INFO Databricks: token dapifedcba9876543210fedcba9876543210-2 rotated
26/01/12 10:14:06 INFO Notifier: SLACK_BOT_TOKEN=xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx user xoxp-2222222222-3333333333-4444444444-abcdef0123456789abcdef0123456789
26/01/12 10:14:06 INFO Notifier: webhook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX
26/01/12 10:14:07 INFO Maven: fetching https://deploy:Url-P4ss-99@nexus.internal/repository/releases
26/01/12 10:14:07 INFO Mongo: connecting mongodb://app:Mongo-Pw-31@mongo.internal:27017/events
26/01/12 10:14:07 INFO GCS: {"type": "service_account", "client_secret": "Gcp-Sa-Secret-66", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\n-----END PRIVATE KEY-----\\n"}
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz
-----END OPENSSH PRIVATE KEY-----
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49
-----END EC PRIVATE KEY-----
26/01/12 10:20:41 INFO DAGScheduler: Job 3 started: collect at nightly_etl.py:88
26/01/12 10:21:55 ERROR Utils: Uncaught exception in thread driver-heartbeater
java.lang.OutOfMemoryError: Java heap space
\tat java.util.Arrays.copyOf(Arrays.java:3332)
\tat org.apache.spark.sql.execution.SparkPlan.executeCollect(SparkPlan.scala:448)
\tat org.apache.spark.sql.Dataset.collectFromPlan(Dataset.scala:4333)
\tat org.apache.spark.sql.Dataset.collect(Dataset.scala:3575)
26/01/12 10:14:09 INFO Azure: connection DefaultEndpointsProtocol=https;AccountName=lake;AccountKey=Zm9vYmFyYXp1cmVhY2NvdW50a2V5c2VjcmV0MDEyMzQ1Njc4OQ==;EndpointSuffix=core.windows.net
26/01/12 10:14:09 INFO Reader: reading https://lake.blob.core.windows.net/raw/part-0.parquet?sv=2022-11-02&sp=r&se=2026-01-13&sig=sAsSiGnAtUrE0123456789%2Bab%3D
val sf = spark.read.format("snowflake").options(Map("sfUser" -> "etl", "sfPassword" -> "Sf-Scala-Secret-52")).load()
> GET /api/2.0/jobs/list HTTP/1.1 Basic ZXRsLXVzZXI6QmFzaWMtU2VjcmV0LTMx
  "private_key_id": "0123456789abcdef0123456789abcdef01234567",
"""
FEEDBACK_COMMENT = "did not help; we connect with jdbc:postgresql://db/x?password=Pg-S3cret-41x"


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Every record at DEBUG, in caplog and as the JSON lines the server would write."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


# A walk state token: base64url(zlib(JSON)) "." signature; it rides in answers and buttons.
STATE_TOKEN = re.compile(r"([A-Za-z0-9_-]{16,})\.[A-Za-z0-9_-]{20,40}")


def _with_states_opened(text: str) -> str:
    """The text and, after it, every walk state token in it decompressed (they are not
    encrypted, so a secret inside one would be readable by whoever holds the token)."""
    opened = []
    for match in STATE_TOKEN.finditer(text):
        payload = match.group(1)
        try:
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            opened.append(zlib.decompress(raw).decode())
        except (ValueError, zlib.error):
            continue
    return "\n".join([text, *opened])


def _leaks(where: str, text: str) -> list[str]:
    text = _with_states_opened(text)
    return [f"{where}: {secret}" for secret in ALL_SECRETS if secret in text]


def _database_dump(settings: Settings) -> str:
    engine = create_engine(settings.resolved_database_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            rows = [
                repr(tuple(row))
                for table in metadata.sorted_tables
                for row in connection.execute(select(table))
            ]
    finally:
        engine.dispose()
    assert rows, "the database holds no rows: the test would prove nothing"
    return "\n".join(rows)


def _logs(caplog: pytest.LogCaptureFixture, stream: io.StringIO) -> str:
    formatter = logging.Formatter()
    records = [formatter.format(r) for r in caplog.records]
    assert records, "nothing was logged: the test would prove nothing"
    return "\n".join(records) + "\n" + stream.getvalue()


def test_corpus_secrets_are_all_planted() -> None:
    missing = [s for s in ALL_SECRETS if s not in LOG]
    assert not missing


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_redact_removes_every_secret_of_kind(kind: str) -> None:
    clean, counts = redact(LOG)
    assert not [s for s in SECRETS[kind] if s in clean]
    assert sum(counts.values()) >= len(ALL_SECRETS)


def test_redact_keeps_what_the_diagnosis_needs() -> None:
    clean, _ = redact(LOG)
    for kept in (
        "spark.driver.maxResultSize=1g",
        "java.lang.OutOfMemoryError: Java heap space",
        "org.apache.spark.sql.Dataset.collect(Dataset.scala:3575)",
        "jdbc:postgresql://db.internal:5432/sales?user=etl&password=[REDACTED:jdbc-password]",
    ):
        assert kept in clean


def test_diagnosis_leaves_no_secret_anywhere(
    client: TestClient,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    captured: io.StringIO,
) -> None:
    response = client.post("/v1/diagnose", json={"text": LOG})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verdict"] == "driver_oom"
    assert sum(body["redactions"].values()) >= len(ALL_SECRETS)
    step = body["step"]
    walked = step  # the evidence may settle every question: then the first step is the fix page
    if step["kind"] == "question":
        answer = {"state": step["state"], "node": step["question"]["node"], "answer": "unknown"}
        response_walk = client.post("/v1/walk", json=answer)
        assert response_walk.status_code == 200, response_walk.text
        walked = response_walk.json()
    feedback = client.post(
        f"/v1/cases/{body['case_id']}/feedback",
        json={"outcome": "not_helped", "comment": FEEDBACK_COMMENT},
    )
    assert feedback.status_code == 201, feedback.text
    case = client.get(f"/v1/cases/{body['case_id']}")
    assert case.status_code == 200
    page = client.get(f"/cases/{body['case_id']}")

    leaks = (
        _leaks("diagnose response", response.text)
        + _leaks("walk step", json.dumps(walked))
        + _leaks("feedback response", feedback.text)
        + _leaks("stored case", case.text)
        + _leaks("case page", page.text)
        + _leaks("database", _database_dump(settings))
        + _leaks("logs", _logs(caplog, captured))
    )
    assert not leaks
    assert "[REDACTED:" in case.json()["input_text"]
    assert '"tree":' in _with_states_opened(response.text)  # the state token was opened too
    assert "[REDACTED:jdbc-password]" in case.json()["feedback"][0]["comment"]


def _event_log_with_secrets() -> bytes:
    events = []
    source = SPARK_DATA / "eventlogs" / "collect_oom_fatal"
    for line in source.read_text().splitlines():
        event = json.loads(line)
        if event["Event"] == "SparkListenerEnvironmentUpdate":
            event["Spark Properties"]["spark.hadoop.fs.s3a.secret.key"] = SECRETS["aws secret key"][
                0
            ]
            event["Spark Properties"]["spark.ssl.keyStorePassword"] = "Ks-Secret-12"
        if event["Event"] == "SparkListenerStageCompleted":
            event["Stage Info"]["Failure Reason"] = (
                "Job aborted due to stage failure: java.sql.SQLException: cannot reach "
                "jdbc:postgresql://db:5432/x?user=a&password=Pg-S3cret-41x with "
                "Authorization: Bearer 7f1c0a9e4b2d8c6a5e3f1b9d7c5a3e1f\n"
                "java.lang.OutOfMemoryError: Java heap space\n"
                "\tat org.apache.spark.sql.Dataset.collect(Dataset.scala:3575)"
            )
        events.append(json.dumps(event))
    return "\n".join(events).encode()


def test_event_log_diagnosis_leaves_no_secret_anywhere(
    client: TestClient,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    captured: io.StringIO,
) -> None:
    data = _event_log_with_secrets()
    assert b"Pg-S3cret-41x" in data and b"Ks-Secret-12" in data
    response = client.post(
        "/v1/diagnose/event-log", files={"file": ("app-1.log", data, "application/octet-stream")}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    quoted = json.dumps([c["evidence"] for c in body["causes"]] + [body["facts"]])
    assert "[REDACTED:jdbc-password]" in quoted  # the failure text is quoted, redacted
    case = client.get(f"/v1/cases/{body['case_id']}")
    leaks = (
        _leaks("event log response", response.text)
        + _leaks("stored case", case.text)
        + _leaks("database", _database_dump(settings))
        + _leaks("logs", _logs(caplog, captured))
    )
    assert not leaks


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with loopback_receiver() as r:
        yield r


def test_slack_diagnosis_posts_no_secret(
    settings: Settings,
    engine: Engine,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
    captured: io.StringIO,
) -> None:
    slack_settings = settings.model_copy(
        update={
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": receiver.url("/api/"),
        }
    )
    with TestClient(create_app(slack_settings, engine=engine)) as slack:
        body = command_body(LOG, receiver.url("/hooks/command"))
        ack = slack.post("/slack/commands", content=body, headers=sign(body))
        assert ack.status_code == 200, ack.text
        posted: Any = receiver.next().body
        assert "Driver OOM" in json.dumps(posted)
    leaks = (
        _leaks("slack ack", ack.text)
        + _leaks("slack message", json.dumps(posted))
        + _leaks("database", _database_dump(settings))
        + _leaks("logs", _logs(caplog, captured))
    )
    assert not leaks


# Repeated markers with no secret to close them: each rule must stay linear (a 20 MB paste is
# redacted before anything else happens to it).
def flood(unit: str, size: int = 1024 * 1024) -> str:
    return (unit * (size // len(unit) + 1))[:size]


MARKER_FLOODS = [
    "-----BEGIN RSA PRIVATE KEY-----\n",
    "-----BEGIN EC PRIVATE KEY-----" + "A" * 9000,
    "password=",
    "Bearer ",
    "jdbc:oracle:thin:a/",
    '"password": "',
    "x://a:",
    "AWS_SECRET_ACCESS_KEY=",
    "spark.password ",
    "Authorization: Basic ",
    "a_token=",
    "'secret','",
    "eyJ",
]


# A hang guard, not a timing goal: a rule gone quadratic takes minutes on 1 MB, far past the
# guard; a linear one takes well under a second (`doctor bench` prints the figures).
HANG_GUARD_SECONDS = 20


@pytest.mark.parametrize("unit", MARKER_FLOODS, ids=range(len(MARKER_FLOODS)))
def test_redact_is_linear_on_marker_floods(unit: str) -> None:
    text = flood(unit)
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < HANG_GUARD_SECONDS


@given(text=st.text(max_size=2000))
@fuzzing(max_examples=300, deadline=None)
def test_redact_never_raises_and_keeps_text_without_markers(text: str) -> None:
    clean, counts = redact(text)
    if not counts:
        assert clean == text


# Every way a secret is written in Spark configs, shells, code and site files, for every kind of
# secret name and value shape: the value must never survive redaction.
SECRET_NAMES = [
    "password",
    "spark.ssl.keyStorePassword",
    "fs.s3a.secret.key",
    "fs.s3a.access.key",
    "fs.azure.account.key.acct.blob.core.windows.net",
    "spark.hadoop.fs.s3a.secret.key",
    "javax.jdo.option.ConnectionPassword",
    "api_key",
    "apiKey",
    "token",
    "auth_token",
    "client_secret",
    "secretKey",
    "private_key_id",
    "sfPassword",
    "AWS_SECRET_ACCESS_KEY",
    "DB_PASSWORD",
]
SECRET_VALUES = [
    "hunter2Xy",
    "p@ss/w+rd=9",
    "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo",
    "0123456789abcdef0123456789abcdef",
    "S3cr3t-Val_ue.42",
]
SECRET_SYNTAXES = {
    "key=value": "{k}={v}",
    "key = value": "{k} = {v}",
    "key: value": "{k}: {v}",
    "yaml quoted": '{k}: "{v}"',
    "shell quoted": "{k}='{v}'",
    "json": '{{"{k}": "{v}"}}',
    "python dict": "{{'{k}': '{v}'}}",
    "spark-submit --conf": "--conf {k}={v}",
    "JVM -D": "-D{k}={v}",
    "export": "export {k}={v}",
    "builder .config": '.config("{k}", "{v}")',
    "spark.conf.set": 'spark.conf.set("{k}", "{v}")',
    "scala map": '"{k}" -> "{v}"',
    "spark-defaults.conf": "{k}   {v}",
    "site xml": "<property>\n  <name>{k}</name>\n  <value>{v}</value>\n</property>",
}


@pytest.mark.parametrize("syntax", sorted(SECRET_SYNTAXES))
def test_redact_every_secret_name_and_shape_in_every_syntax(syntax: str) -> None:
    leaked = []
    for name in SECRET_NAMES:
        for value in SECRET_VALUES:
            written = SECRET_SYNTAXES[syntax].format(k=name, v=value)
            text = f"26/12/02 10:00:00 INFO SparkContext: Running Spark\n{written}\nafter"
            clean, counts = redact(text)
            if value in clean or not counts:
                leaked.append(f"{name} = {value}")
    assert not leaked, f"{syntax}: {len(leaked)} leaked, e.g. {leaked[:3]}"


def test_redact_keeps_ordinary_config_lines_whole() -> None:
    text = (
        "spark.driver.memory 4g\n"
        "spark.sql.shuffle.partitions=200\n"
        "--conf spark.driver.maxResultSize=2g\n"
        "<name>spark.executor.memory</name><value>8g</value>\n"
        "the task failed: key not found: user_id\n"
    )
    assert redact(text) == (text, {})
