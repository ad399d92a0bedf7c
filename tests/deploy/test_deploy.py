"""Deployment files stay valid and true to the code: the alert rules pass promtool's checks and unit tests,
the alerts and the Grafana dashboard query only metrics the app exports, compose.yaml passes
`docker-compose config`, the Dockerfile builds a non-root runtime without compilers, and the CloudFormation
templates pass cfn-lint. No container or cloud runs here; these are the checks that can."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from azs_assistant import metrics

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
DASHBOARD = DEPLOY / "grafana" / "azs-dashboard.json"
# A metric name in PromQL: azs_… not preceded by a word character or a colon (recording rules are azs:…).
_METRIC = re.compile(r"(?<![\w:])azs_[a-z0-9_]+")


def program(name: str, package: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: apt-get install {package} (scripts/setup.sh installs it)")
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=ROOT)


def alert_expressions() -> list[str]:
    return [rule["expr"] for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel["targets"]]


def test_alert_rules_pass_promtool_check_and_their_unit_tests() -> None:
    promtool = program("promtool", "prometheus")
    checked = run(promtool, "check", "rules", str(ALERTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = run(promtool, "test", "rules", str(DEPLOY / "prometheus" / "alerts.test.yml"))
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr
    config = run(promtool, "check", "config", "--syntax-only", str(DEPLOY / "prometheus" / "prometheus.yml"))
    assert config.returncode == 0, config.stdout + config.stderr


def test_dashboard_queries_are_valid_promql(tmp_path: Path) -> None:
    """promtool parses each panel's query as the expression of a recording rule."""
    rules = {"groups": [{"name": "dashboard", "rules": [{"record": f"dashboard:q{i}", "expr": expr}
                                                          for i, expr in enumerate(dashboard_expressions())]}]}
    (tmp_path / "dashboard.yml").write_text(yaml.safe_dump(rules))
    checked = run(program("promtool", "prometheus"), "check", "rules", str(tmp_path / "dashboard.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("source", ["alerts", "dashboard"])
def test_queries_use_only_metric_names_the_app_exports(source: str) -> None:
    expressions = alert_expressions() if source == "alerts" else dashboard_expressions()
    used = {name for expr in expressions for name in _METRIC.findall(expr)}
    assert used, "no azs_ metric found"
    unknown = used - metrics.names()
    assert not unknown, f"{source} query metrics the app does not export: {sorted(unknown)}"


def test_dashboard_and_alerts_cover_what_matters() -> None:
    """Error rate, p95 answer latency, queue age, sync lag and SLA breaches are on both."""
    for expressions in (alert_expressions(), dashboard_expressions()):
        text = "\n".join(expressions)
        assert 'status=~"5.."' in text
        for name in ("azs_answer_duration_seconds_bucket", "azs_jobs_oldest_queued_age_seconds",
                     "azs_incident_sync_lag_seconds", "azs_tickets_sla_breached"):
            assert name in text or name.replace("_bucket", "") in text, name


def test_compose_file_is_valid_with_every_profile() -> None:
    compose = program("docker-compose", "docker-compose")
    result = run(compose, "-f", "compose.yaml", "--profile", "llm", "--profile", "monitoring", "--profile", "backup",
                 "config")
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"app", "worker", "postgres", "rabbitmq", "redis", "proxy", "vllm", "prometheus", "grafana",
            "backup"} <= set(services)
    assert services["worker"]["command"] == ["worker"]
    for name in ("app", "worker", "backup"):
        env = services[name]["environment"]
        assert env["AZS_DATABASE_URL"].startswith("file:/run/secrets/")
        secret_settings = [key for key in env if re.search(r"PASSWORD|TOKEN|KEY|SECRET", key)]
        assert secret_settings and all(env[key].startswith("file:/run/secrets/") for key in secret_settings), env
    assert "profiles" not in services["app"] and services["vllm"]["profiles"] == ["llm"]


def test_compose_jobs_go_to_rabbitmq_and_redis_stays_the_cache() -> None:
    """The worker speaks AMQP only (jobs/broker.py): the broker URL is RabbitMQ's, read from a secret file
    (it carries the password), and the app and the worker wait for a healthy RabbitMQ."""
    result = run(program("docker-compose", "docker-compose"), "-f", "compose.yaml", "config")
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    for name in ("app", "worker"):
        env = services[name]["environment"]
        assert env["AZS_BROKER_URL"] == "file:/run/secrets/broker_url", env
        assert env["AZS_CACHE_URL"].startswith("redis://redis:"), env
        assert "broker_url" in {s if isinstance(s, str) else s["source"] for s in services[name]["secrets"]}
        assert services[name]["depends_on"]["rabbitmq"] == {"condition": "service_healthy"}
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}
    rabbitmq = services["rabbitmq"]
    assert rabbitmq["image"].startswith("rabbitmq:") and rabbitmq["hostname"] == "rabbitmq"
    assert "rabbitmq-diagnostics" in rabbitmq["healthcheck"]["test"]
    assert any(v.startswith("rabbitmq-data:/var/lib/rabbitmq") for v in rabbitmq["volumes"])
    credentials = {s["source"]: s["target"] for s in rabbitmq["secrets"]}
    assert credentials["rabbitmq_conf"].startswith("/etc/rabbitmq/conf.d/")
    assert "RABBITMQ_DEFAULT_PASS" not in rabbitmq.get("environment", {})  # gone from the image since 3.9
    assert {"broker_url", "rabbitmq_conf"} <= set(config["secrets"]) and "rabbitmq-data" in config["volumes"]
    assert "noeviction" not in services["redis"]["command"]  # a cache: evicts, holds no jobs any more


def test_make_secrets_gives_rabbitmq_and_the_app_the_same_broker_password(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    shutil.copy(DEPLOY / "make-secrets.sh", tmp_path / "deploy")
    made = subprocess.run(["bash", str(tmp_path / "deploy" / "make-secrets.sh")], capture_output=True, text=True,
                          timeout=60)
    assert made.returncode == 0, made.stderr
    secrets = tmp_path / "secrets"
    conf = dict(line.split(" = ", 1) for line in (secrets / "rabbitmq.conf").read_text().splitlines())
    password = (secrets / "rabbitmq_password").read_text()
    assert conf == {"default_user": "azs", "default_pass": password} and len(password) >= 30
    assert (secrets / "broker_url").read_text() == f"amqp://azs:{password}@rabbitmq:5672/%2F"
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    for name, entry in compose["secrets"].items():  # every secret compose mounts is a file the script writes
        assert (tmp_path / entry["file"]).is_file(), name


def test_dockerfile_builds_a_non_root_runtime_with_tesseract_and_no_compilers() -> None:
    stages = re.split(r"^FROM\s", (ROOT / "Dockerfile").read_text(), flags=re.M)[1:]
    assert len(stages) >= 2, "multi-stage"
    final = stages[-1]
    users = re.findall(r"^USER\s+(\S+)", final, flags=re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    for package in ("tesseract-ocr-rus", "tesseract-ocr-kaz", "tesseract-ocr-script-cyrl", "fonts-dejavu-core",
                    "postgresql-client"):
        assert package in final, package
    assert not re.search(r"build-essential|\bgcc\b|\bg\+\+|-dev\b", final)
    assert "COPY --from=build /opt/venv" in final


@pytest.mark.slow  # about 8 s: cfn-lint loads the CloudFormation resource schemas
def test_cloudformation_templates_pass_cfn_lint() -> None:
    templates = sorted(str(p) for p in (DEPLOY / "aws").glob("*.yaml"))
    assert len(templates) == 3
    code = "import sys; from cfnlint.runner import main; sys.argv = ['cfn-lint', *sys.argv[1:]]; main()"
    result = subprocess.run([sys.executable, "-c", code, *templates], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
