"""Deployment files stay valid and true to the code: the alert rules pass promtool's checks and unit tests,
the alerts and the Grafana dashboard query only metrics the app exports, compose.yaml passes
`docker-compose config`, the Dockerfile builds a non-root runtime without compilers, and the CloudFormation
templates pass cfn-lint. No container or cloud runs here; these are the checks that can."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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
                 "--profile", "s3", "config")
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"app", "worker", "postgres", "rabbitmq", "redis", "proxy", "vllm", "prometheus", "grafana",
            "backup", "minio", "minio-init"} <= set(services)
    assert services["worker"]["command"][0] == "worker"
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


def compose_config(*profiles: str, **env: str) -> dict[str, Any]:
    """``docker-compose config`` with these profiles and ``.env`` values, parsed."""
    args = [program("docker-compose", "docker-compose"), "-f", "compose.yaml"]
    for profile in profiles:
        args += ["--profile", profile]
    result = subprocess.run([*args, "config"], capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    return dict(yaml.safe_load(result.stdout))


def test_compose_s3_profile_keeps_the_originals_and_the_backups_in_minio() -> None:
    """GIVEN the `s3` profile and the .env lines docs/deploy.md gives WHEN compose renders it THEN MinIO and its
    bucket job are there, its root user and password come from secret files, and the app, the workers and the backup
    reach the same bucket through AZS_ORIGINALS_URL and AZS_S3_ENDPOINT_URL with keys from a credentials file;
    without the profile there is no MinIO and the originals stay where they were."""
    env = {"ORIGINALS_URL": "s3://azs/originals", "S3_ENDPOINT_URL": "http://minio:9000",
           "BACKUP_TARGET": "s3://azs/backups"}
    config = compose_config("s3", "backup", **env)
    services = config["services"]
    minio, init = services["minio"], services["minio-init"]
    assert minio["profiles"] == ["s3"] and init["profiles"] == ["s3"]
    assert minio["image"].startswith("minio/minio:RELEASE.") and init["image"] == minio["image"]  # pinned
    root = {"access_key": "minio_root_user", "secret_key": "minio_root_password"}
    assert {s["target"]: s["source"] for s in minio["secrets"]} == root
    assert {s.get("target", s["source"]): s["source"] for s in init["secrets"]} == root | {
        "s3_credentials": "s3_credentials"}  # the service user it creates
    for service in (minio, init):
        assert not any(k.startswith("MINIO_ROOT") for k in service.get("environment", {}))  # no literal secret
    assert init["depends_on"]["minio"] == {"condition": "service_healthy"}
    assert init["entrypoint"] == ["/bin/sh", "/usr/local/bin/minio-init.sh"]
    assert init["environment"]["S3_BUCKET"] == "azs"
    assert any(v.endswith("/deploy/minio-init.sh:/usr/local/bin/minio-init.sh:ro") for v in init["volumes"])
    assert any(v.startswith("minio-data:/data") for v in minio["volumes"]) and "minio-data" in config["volumes"]
    for name in ("app", "worker", "backup"):
        service_env = services[name]["environment"]
        assert service_env["AZS_ORIGINALS_URL"] == "s3://azs/originals", name
        assert service_env["AZS_S3_ENDPOINT_URL"] == "http://minio:9000", name
        assert service_env["AWS_SHARED_CREDENTIALS_FILE"] == "/run/secrets/s3_credentials", name
        assert "s3_credentials" in {s if isinstance(s, str) else s["source"] for s in services[name]["secrets"]}
        assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} & set(service_env), name
        assert {s if isinstance(s, str) else s["source"] for s in services[name]["secrets"]}.isdisjoint(root.values())
    assert services["backup"]["command"] == ["backup", "create", "--to", "s3://azs/backups"]
    assert {"minio_root_user", "minio_root_password", "s3_credentials"} <= set(config["secrets"])

    default = compose_config()["services"]  # docker-compose config lists profiled services too
    started = {name for name, service in default.items() if "profiles" not in service}
    assert "minio" not in started and "minio-init" not in started
    assert all("minio" not in default[name].get("depends_on", {}) for name in started)
    assert default["app"]["environment"]["AZS_ORIGINALS_URL"] == ""  # off: the app reads "" as unset


def test_an_older_env_with_aws_endpoint_url_still_sends_the_backups_to_its_minio(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN an install upgraded with the .env the docs gave before S3_ENDPOINT_URL (AWS_ENDPOINT_URL=https://minio…)
    WHEN compose renders it THEN app, worker and backup get that variable, and the S3 client the backup and the
    originals open from such an environment talks to that MinIO, not to AWS; S3_ENDPOINT_URL, when set, wins."""
    from azs_assistant.backup.stores import open_store
    from azs_assistant.settings import Settings

    old = "https://minio.company.kz"
    services = compose_config("backup", AWS_ENDPOINT_URL=old, BACKUP_TARGET="s3://azs/backups")["services"]
    for name in ("app", "worker", "backup"):
        assert services[name]["environment"]["AWS_ENDPOINT_URL"] == old, name
        assert services[name]["environment"]["AZS_S3_ENDPOINT_URL"] == "", name
    assert compose_config()["services"]["backup"]["environment"]["AWS_ENDPOINT_URL"] == ""

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", old)
    monkeypatch.setenv("AZS_S3_ENDPOINT_URL", "")  # what compose passes when S3_ENDPOINT_URL is not in .env
    settings = Settings(data_dir=tmp_path)
    assert open_store("s3://azs/backups", settings.s3_endpoint_url).client.meta.endpoint_url == old  # type: ignore[attr-defined]
    monkeypatch.setenv("AZS_S3_ENDPOINT_URL", "http://minio:9000")
    settings = Settings(data_dir=tmp_path)
    assert open_store("s3://azs/backups", settings.s3_endpoint_url).client.meta.endpoint_url == "http://minio:9000"  # type: ignore[attr-defined]
    monkeypatch.setenv("AWS_ENDPOINT_URL", "")  # compose's blank: boto3 goes to AWS as before
    assert "amazonaws.com" in open_store("s3://azs/backups", None).client.meta.endpoint_url  # type: ignore[attr-defined]


def test_blank_store_settings_from_compose_mean_unset(tmp_path: Path) -> None:
    from azs_assistant.settings import Settings

    settings = Settings(data_dir=tmp_path, originals_url="", s3_endpoint_url="")
    assert settings.originals_url is None and settings.s3_endpoint_url is None


def make_secrets(root: Path) -> Path:
    """Runs deploy/make-secrets.sh in a copy of the layout it expects; returns its secrets folder."""
    (root / "deploy").mkdir(parents=True)
    shutil.copy(DEPLOY / "make-secrets.sh", root / "deploy")
    made = subprocess.run(["bash", str(root / "deploy" / "make-secrets.sh")], capture_output=True, text=True,
                          timeout=60)
    assert made.returncode == 0, made.stderr
    return root / "secrets"


def test_make_secrets_gives_rabbitmq_and_the_app_the_same_broker_password(tmp_path: Path) -> None:
    secrets = make_secrets(tmp_path)
    conf = dict(line.split(" = ", 1) for line in (secrets / "rabbitmq.conf").read_text().splitlines())
    password = (secrets / "rabbitmq_password").read_text()
    assert conf == {"default_user": "azs", "default_pass": password} and len(password) >= 30
    assert (secrets / "broker_url").read_text() == f"amqp://azs:{password}@rabbitmq:5672/%2F"
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    for name, entry in compose["secrets"].items():  # every secret compose mounts is a file the script writes
        assert (tmp_path / entry["file"]).is_file(), name


def _ini(path: Path) -> dict[str, str]:
    return dict(line.split(" = ", 1) for line in path.read_text().splitlines() if " = " in line)


def test_make_secrets_gives_the_app_a_minio_service_user_never_the_root_one(tmp_path: Path) -> None:
    """The credentials file app, workers and backup read names a service user of its own; rerunning the script
    keeps it (and keys written by hand for the company's store), and a file an earlier version filled with MinIO's
    root keys gets a service user instead."""
    secrets = make_secrets(tmp_path)
    keys = _ini(secrets / "s3_credentials")
    root_user, root_password = (secrets / "minio_root_user").read_text(), (secrets / "minio_root_password").read_text()
    assert keys["aws_access_key_id"] == "azs-app" and len(keys["aws_secret_access_key"]) >= 30
    assert root_user not in keys.values() and root_password not in keys.values()
    assert (secrets / "s3_credentials").read_text().startswith("[default]\n")

    make_secrets_again(tmp_path)
    assert _ini(secrets / "s3_credentials") == keys  # idempotent

    (secrets / "s3_credentials").write_text(
        f"[default]\naws_access_key_id = {root_user}\naws_secret_access_key = {root_password}\n")
    make_secrets_again(tmp_path)
    replaced = _ini(secrets / "s3_credentials")
    assert replaced["aws_access_key_id"] == "azs-app" and replaced["aws_secret_access_key"] != root_password

    own = "[default]\naws_access_key_id = ceph-azs\naws_secret_access_key = s3cr3t-of-the-company\n"
    (secrets / "s3_credentials").write_text(own)
    make_secrets_again(tmp_path)
    assert (secrets / "s3_credentials").read_text() == own


def make_secrets_again(root: Path) -> None:
    made = subprocess.run(["bash", str(root / "deploy" / "make-secrets.sh")], capture_output=True, text=True,
                          timeout=60)
    assert made.returncode == 0, made.stderr


def _minio_init(tmp_path: Path, secrets: Path, attached: bool = False) -> tuple[subprocess.CompletedProcess[str],
                                                                                  list[list[str]], str]:
    """deploy/minio-init.sh with a stand-in ``mc`` that records its calls and the policy it is given (no MinIO
    server runs here); ``attached``: MinIO answers the attach as already done, as on a second run."""
    mounted = tmp_path / "run-secrets"  # the names compose mounts them under in minio-init
    mounted.mkdir(exist_ok=True)
    for target, source in {"access_key": "minio_root_user", "secret_key": "minio_root_password",
                           "s3_credentials": "s3_credentials"}.items():
        shutil.copy(secrets / source, mounted / target)
    bin_dir, log = tmp_path / "bin", tmp_path / "mc.log"
    bin_dir.mkdir(exist_ok=True)
    log.write_text("")
    stub = bin_dir / "mc"
    refuse = "echo 'mc: <ERROR> The specified policy change is already in effect.' >&2; exit 1"
    stub.write_text(f"""#!/bin/sh
printf '%s\\n' "$*" >> {log}
case "$*" in
  "admin policy create "*) cp "$6" {tmp_path}/policy.json ;;
  "admin policy attach "*) {refuse if attached else "true"} ;;
esac
""")
    stub.chmod(0o755)
    made = subprocess.run(["sh", str(DEPLOY / "minio-init.sh")], capture_output=True, text=True, timeout=60,
                          env={"PATH": f"{bin_dir}:{os.environ['PATH']}", "SECRETS_DIR": str(mounted),
                               "S3_BUCKET": "azs", "TMPDIR": str(tmp_path)})
    calls = [line.split(" ") for line in log.read_text().splitlines()]
    policy = (tmp_path / "policy.json").read_text() if (tmp_path / "policy.json").exists() else ""
    return made, calls, policy


def test_minio_init_creates_the_bucket_and_a_service_user_limited_to_it(tmp_path: Path) -> None:
    """GIVEN the secret files make-secrets.sh writes WHEN minio-init runs (twice) THEN it signs in as root, makes
    the bucket, and creates the user of s3_credentials with a policy that names only that bucket; a credentials
    file with the root user is refused."""
    secrets = make_secrets(tmp_path / "site")
    keys = _ini(secrets / "s3_credentials")
    root_user, root_password = (secrets / "minio_root_user").read_text(), (secrets / "minio_root_password").read_text()
    made, calls, policy = _minio_init(tmp_path, secrets)
    assert made.returncode == 0, made.stderr
    assert calls[0] == ["alias", "set", "azs", "http://minio:9000", root_user, root_password]
    assert ["mb", "--ignore-existing", "azs/azs"] in calls
    assert ["admin", "user", "add", "azs", keys["aws_access_key_id"], keys["aws_secret_access_key"]] in calls
    assert ["admin", "policy", "attach", "azs", "azs-app", "--user", "azs-app"] in calls
    statements = json.loads(policy)["Statement"]
    assert {r for st in statements for r in st["Resource"]} == {"arn:aws:s3:::azs", "arn:aws:s3:::azs/*"}
    assert all(st["Effect"] == "Allow" and all(a.startswith("s3:") and "*" not in a for a in st["Action"])
               for st in statements)
    assert {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"} <= {
        a for st in statements for a in st["Action"]}

    again, _, _ = _minio_init(tmp_path, secrets, attached=True)
    assert again.returncode == 0, again.stderr  # a second run: the policy is attached already

    (secrets / "s3_credentials").write_text(
        f"[default]\naws_access_key_id = {root_user}\naws_secret_access_key = {root_password}\n")
    refused, calls, _ = _minio_init(tmp_path, secrets)
    assert refused.returncode == 1 and "root user" in refused.stderr and calls == []


@pytest.mark.slow  # boots a private RabbitMQ node: 5-10 s on an idle machine, up to a minute under load
def test_a_rabbitmq_configured_by_the_secret_files_lets_the_app_in_and_not_guest(tmp_path: Path) -> None:
    """The conf fragment compose mounts into conf.d and the URL the app reads (file:…) fit together on a real
    node: the app's user gets in, the default guest user no longer exists."""
    import pika

    from azs_assistant.jobs.broker import _url
    from azs_assistant.secrets import resolve_secret
    from tests.brokers import accepts, private_rabbitmq

    secrets = make_secrets(tmp_path / "site")
    password = (secrets / "rabbitmq_password").read_text()
    with private_rabbitmq(tmp_path / "node", (secrets / "rabbitmq.conf").read_text(), "azs", password) as node:
        url = str(resolve_secret(f"file:{secrets / 'broker_url'}"))
        url = url.replace("@rabbitmq:5672/", f"@127.0.0.1:{node.port}/")  # compose's service name, here
        pika.BlockingConnection(pika.URLParameters(_url(url))).close()
        assert not accepts(f"amqp://guest:guest@127.0.0.1:{node.port}/%2F")


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


def _stack() -> dict[str, Any]:
    from cfnlint.decode import decode

    template, problems = decode(str(DEPLOY / "aws" / "azs-assistant.yaml"))
    assert not problems and template is not None, problems
    return dict(template)


def _containers(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["Name"]: c for name in ("ApiTask", "WorkerTask")
            for c in resources[name]["Properties"]["ContainerDefinitions"] if c["Name"] in ("api", "worker")}


def test_aws_stack_runs_the_job_broker_on_amazon_mq_for_rabbitmq() -> None:
    """A RabbitMQ broker in the private subnets, reachable from the tasks only, its user in Secrets Manager,
    a cluster when asked for; Redis stays, for the cache."""
    stack = _stack()
    resources, parameters = stack["Resources"], stack["Parameters"]
    brokers = [r for r in resources.values() if r["Type"] == "AWS::AmazonMQ::Broker"]
    assert len(brokers) == 1
    broker = brokers[0]["Properties"]
    assert broker["EngineType"] == "RABBITMQ" and broker["PubliclyAccessible"] is False
    assert broker["DeploymentMode"] == {"Ref": "BrokerDeploymentMode"}
    assert {"SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"} == set(parameters["BrokerDeploymentMode"]["AllowedValues"])
    subnets = json.dumps(broker["SubnetIds"])
    assert "PrivateSubnets" in subnets and "PublicSubnets" not in subnets
    user = broker["Users"][0]
    assert all("{{resolve:secretsmanager:${BrokerSecret}" in json.dumps(user[key]) for key in ("Username", "Password"))
    (group,) = broker["SecurityGroups"]
    ingress = resources[group["Ref"]]["Properties"]["SecurityGroupIngress"]
    assert ingress == [{"IpProtocol": "tcp", "FromPort": 5671, "ToPort": 5671,
                        "SourceSecurityGroupId": {"Ref": "AppSecurityGroup"}}]
    assert any(r["Type"] == "AWS::ElastiCache::ReplicationGroup" for r in resources.values())


def test_aws_tasks_read_an_amqps_broker_url_from_a_secret_and_redis_for_the_cache() -> None:
    stack = _stack()
    resources = stack["Resources"]
    for name, container in _containers(resources).items():
        env = {e["Name"]: e["Value"] for e in container["Environment"]}
        secrets = {s["Name"]: s["ValueFrom"] for s in container["Secrets"]}
        assert "AZS_BROKER_URL" not in env, name  # it carries the password
        assert secrets["AZS_BROKER_URL"] == {"Ref": "BrokerUrlSecret"}, name
        assert env["AZS_CACHE_URL"]["Fn::Sub"].startswith("rediss://${Redis.PrimaryEndPoint.Address}"), name
    readable = resources["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"]
    assert {"Ref": "BrokerUrlSecret"} in readable


def test_aws_broker_url_is_one_the_worker_connects_to_over_tls() -> None:
    """The URL the stack writes, with CloudFormation's substitutions done by hand (an endpoint as Amazon MQ
    reports it), is read by pika as TLS to port 5671 with the broker user, on the default virtual host."""
    import pika

    from azs_assistant.jobs.broker import _url

    pattern, variables = _stack()["Resources"]["BrokerUrlSecret"]["Properties"]["SecretString"]["Fn::Sub"]
    endpoint = "amqps://b-0f1e2d3c.mq.eu-central-1.amazonaws.com:5671"  # Broker.AmqpEndpoints[0]
    split = variables["Endpoint"]["Fn::Select"]
    assert split[1]["Fn::Split"][1] == {"Fn::Select": [0, {"Fn::GetAtt": ["Broker", "AmqpEndpoints"]}]}
    host = endpoint.split(split[1]["Fn::Split"][0])[split[0]]
    url = (pattern.replace("{{resolve:secretsmanager:${BrokerSecret}:SecretString:username}}", "azs")
           .replace("{{resolve:secretsmanager:${BrokerSecret}:SecretString:password}}", "Q7x9Lm2pRt5vWz8b")
           .replace("${Endpoint}", host))
    assert "${" not in url and "{{" not in url, url
    parameters = pika.URLParameters(_url(url))
    assert parameters.ssl_options is not None and parameters.port == 5671
    assert parameters.host == "b-0f1e2d3c.mq.eu-central-1.amazonaws.com" and parameters.virtual_host == "/"
    assert isinstance(parameters.credentials, pika.PlainCredentials)
    assert (parameters.credentials.username, parameters.credentials.password) == ("azs", "Q7x9Lm2pRt5vWz8b")


def test_aws_workers_still_scale_on_queued_jobs_and_the_queue_alarm_names_a_real_job_kind() -> None:
    from azs_assistant.documents.service import UPLOAD_JOB

    resources = _stack()["Resources"]
    policy = resources["WorkerScaleOnQueue"]["Properties"]
    queries = policy["TargetTrackingScalingPolicyConfiguration"]["CustomizedMetricSpecification"]["Metrics"]
    queued = next(q for q in queries if q["Id"] == "queued")["MetricStat"]["Metric"]
    assert queued["MetricName"] == "azs_jobs" and queued["Dimensions"] == [{"Name": "state", "Value": "queued"}]
    alarm = resources["QueueAgeAlarm"]["Properties"]
    assert {alarm["MetricName"], queued["MetricName"]} <= metrics.names()
    assert alarm["Dimensions"] == [{"Name": "kind", "Value": UPLOAD_JOB}]


def _port_after(command: list[str]) -> str:
    return str(command[command.index("--metrics-port") + 1])


def test_prometheus_scrapes_every_compose_worker_on_the_port_it_serves_metrics_on() -> None:
    """The worker runs no API: its /metrics is its own port (`azs worker --metrics-port`), found per replica
    through compose's DNS, with the same bearer token file as the app's."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    worker = compose["services"]["worker"]
    port = _port_after(worker["command"])
    assert port in [str(p) for p in worker["expose"]]
    jobs = {job["job_name"]: job for job in yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
            ["scrape_configs"]}
    scrape = jobs["azs-worker"]
    assert scrape["authorization"]["credentials_file"] == jobs["azs"]["authorization"]["credentials_file"]
    assert scrape["dns_sd_configs"] == [{"names": ["worker"], "type": "A", "port": int(port)}]


def test_aws_worker_tasks_export_their_own_metrics_through_a_collector_beside_them() -> None:
    containers = {c["Name"]: c for c in _stack()["Resources"]["WorkerTask"]["Properties"]["ContainerDefinitions"]}
    port = _port_after(containers["worker"]["Command"])
    collector = containers["metrics"]
    config = yaml.safe_load(next(e["Value"] for e in collector["Environment"] if e["Name"] == "AOT_CONFIG_CONTENT")
                            ["Fn::Sub"])
    scrape = config["receivers"]["prometheus"]["config"]["scrape_configs"][0]
    assert scrape["static_configs"] == [{"targets": [f"localhost:{port}"]}]
    assert [s["Name"] for s in collector["Secrets"]] == ["AZS_METRICS_TOKEN"]
    exported = {name.strip("^$") for d in config["exporters"]["awsemf"]["metric_declarations"]
                for name in d["metric_name_selectors"]}
    assert exported and exported <= metrics.names()


def test_aws_tasks_keep_originals_in_the_originals_bucket_they_may_write() -> None:
    """Tasks share no disk for originals: both read AZS_ORIGINALS_URL as the stack's bucket, and the task
    role may read, write and list it."""
    resources = _stack()["Resources"]
    for container in _containers(resources).values():
        env = {e["Name"]: e["Value"] for e in container["Environment"]}
        assert env["AZS_ORIGINALS_URL"] == {"Fn::Sub": "s3://${OriginalsBucket}/azs"}, container["Name"]
    statements = resources["TaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    granted = {action for s in statements if {"Fn::Sub": "${OriginalsBucket.Arn}/*"} in _as_list(s["Resource"])
               for action in s["Action"]}
    assert {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} <= granted
    assert any({"Fn::GetAtt": ["OriginalsBucket", "Arn"]} in _as_list(s["Resource"]) and "s3:ListBucket" in s["Action"]
               for s in statements)
    bucket = resources["OriginalsBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(bucket["PublicAccessBlockConfiguration"].values())


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
