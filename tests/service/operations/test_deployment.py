"""The deployment files agree with the README and with each other (no Docker engine runs in the
tests: these are the checks that can be made without one)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.api.app import create_app
from service.config import Settings

REPO = Path(__file__).resolve().parents[3]
DOCKERFILE = (REPO / "Dockerfile").read_text()
README = (REPO / "README.md").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load((REPO / "deploy" / "compose.yaml").read_text())
NGINX = (REPO / "deploy" / "nginx.conf").read_text()


def _run_steps() -> str:
    return " ".join(line for line in DOCKERFILE.splitlines() if not line.startswith("#"))


def test_dockerfile_runs_the_readme_install_and_build_steps() -> None:
    readme_install = re.search(r"pip install (torch==[\d.]+) ", README)
    assert readme_install is not None
    steps = _run_steps()
    assert f"pip install {readme_install.group(1)} ." in steps
    assert "doctor index build" in steps and "doctor index build" in README


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = re.findall(r"```bash\n(.+?)\n```", README)
    test_command = next(c for c in commands if c.endswith("python -m pytest"))
    last_line = (REPO / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert last_line == test_command


def test_dockerfile_is_multi_stage_non_root_offline_with_healthcheck() -> None:
    assert len(re.findall(r"^FROM ", DOCKERFILE, re.MULTILINE)) >= 2
    assert "COPY --from=builder" in DOCKERFILE
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert "HF_HUB_OFFLINE=1" in DOCKERFILE
    healthcheck = re.search(r"^HEALTHCHECK .*(?:\n .*)*", DOCKERFILE, re.MULTILINE)
    assert healthcheck is not None and "/readyz" in healthcheck.group(0)
    assert '"doctor", "serve", "--host", "0.0.0.0"' in DOCKERFILE


def test_healthcheck_and_metrics_routes_exist(settings: Settings) -> None:
    paths = create_app(settings).openapi()["paths"]
    assert {"/readyz", "/healthz", "/metrics"} <= set(paths)


def _replicas() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = COMPOSE["services"]
    return {name: s for name, s in services.items() if s.get("image") == "driver-doctor:latest"}


def test_compose_runs_two_replicas_with_one_secret_and_one_database() -> None:
    replicas = _replicas()
    assert len(replicas) == 2
    environments = [r["environment"] for r in replicas.values()]
    assert environments[0] == environments[1]
    assert "${DOCTOR_STATE_SECRET:?" in environments[0]["DOCTOR_STATE_SECRET"]
    assert "@postgres:5432/" in environments[0]["DOCTOR_DATABASE_URL"]
    assert "postgres" in COMPOSE["services"]


def test_nginx_balances_over_exactly_the_compose_replicas() -> None:
    upstream = re.search(r"upstream doctor \{(.*?)\}", NGINX, re.DOTALL)
    assert upstream is not None
    servers = re.findall(r"server ([\w-]+):8000", upstream.group(1))
    assert sorted(servers) == sorted(_replicas())
    assert "ip_hash" not in upstream.group(1) and "sticky" not in upstream.group(1)
    nginx = COMPOSE["services"]["nginx"]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"]


def test_every_setting_is_documented_in_readme() -> None:
    missing = [
        f"DOCTOR_{name.upper()}"
        for name in Settings.model_fields
        if f"DOCTOR_{name.upper()}" not in README
    ]
    assert not missing


def test_the_data_folder_is_one_per_user_not_where_doctor_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCTOR_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    assert Settings().data_dir == tmp_path / "xdg" / "driver-doctor"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Settings().data_dir == tmp_path / "home" / ".local" / "share" / "driver-doctor"
    monkeypatch.setenv("DOCTOR_DATA_DIR", "/srv/doctor")
    assert Settings().data_dir == Path("/srv/doctor")
