"""The Kubernetes manifests, as `kubectl kustomize` renders them: valid, safe, and the same shape
as the container and the edge they run (docs/deploy.md, "Kubernetes")."""

import ast
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBECTL = Path(sys.executable).parent / "kubectl"
BASE = ROOT / "deploy/kubernetes/base"
PRODUCTION = ROOT / "deploy/kubernetes/overlays/production"
EDGE_TEMPLATE = ROOT / "edge/default.conf.template"
WORKLOADS = ("Deployment", "Job")
TMP = "/tmp"  # noqa: S108 (the containers' writable emptyDir, not a file of ours)


def render(folder: Path) -> list[dict]:
    result = subprocess.run(
        [str(KUBECTL), "kustomize", str(folder)], capture_output=True, text=True, check=True
    )
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module", params=["base", "production"])
def manifests(request) -> list[dict]:
    return render(BASE if request.param == "base" else PRODUCTION)


def one(manifests: list[dict], kind: str, name: str) -> dict:
    (found,) = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    return found


def named_prefix(manifests: list[dict], kind: str, prefix: str) -> dict:
    (found,) = [
        m for m in manifests if m["kind"] == kind and m["metadata"]["name"].startswith(prefix)
    ]
    return found


def containers(workload: dict) -> list[dict]:
    return workload["spec"]["template"]["spec"]["containers"]


def all_containers(workload: dict) -> list[dict]:
    pod = workload["spec"]["template"]["spec"]
    return pod.get("initContainers", []) + pod["containers"]


def env_of(container: dict) -> dict[str, dict]:
    return {item["name"]: item for item in container.get("env", [])}


def app_container(manifests) -> dict:
    (container,) = containers(one(manifests, "Deployment", "eidguide-app"))
    return container


def config(manifests) -> dict[str, str]:
    return named_prefix(manifests, "ConfigMap", "eidguide-config-")["data"]


def gunicorn_graceful_timeout() -> int:
    """graceful_timeout as gunicorn.conf.py sets it (read, not run: running it starts things)."""
    tree = ast.parse((ROOT / "gunicorn.conf.py").read_text())
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and getattr(node.targets[0], "id", "") == "graceful_timeout"
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("gunicorn.conf.py sets no graceful_timeout")


def test_every_rendered_manifest_is_valid_against_the_kubernetes_schemas(manifests):
    for manifest in manifests:
        kubernetes_validate.validate(manifest, "1.37", strict=True)


def test_no_secret_is_included_only_referenced(manifests):
    assert not [m for m in manifests if m["kind"] == "Secret"]
    for workload in (m for m in manifests if m["kind"] in WORKLOADS):
        for container in all_containers(workload):
            refs = {
                item["valueFrom"]["secretKeyRef"]["name"]
                for item in container.get("env", [])
                if "secretKeyRef" in item.get("valueFrom", {})
            }
            if container["name"] in ("app", "migrate", "wait-for-migrations"):
                assert refs == {"eidguide-secrets"}
                assert {"SECRET_KEY", "DATABASE_URL"} <= set(env_of(container))
            assert not {"SECRET_KEY", "DATABASE_URL"} & set(
                name for name, item in env_of(container).items() if "value" in item
            )


def test_every_workload_runs_unprivileged_on_a_read_only_root_filesystem(manifests):
    for workload in (m for m in manifests if m["kind"] in WORKLOADS):
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod["automountServiceAccountToken"] is False
        for container in all_containers(workload):
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert security["runAsNonRoot"] is True
            assert security["runAsUser"] >= 10000
            assert security["capabilities"]["drop"] == ["ALL"]
            assert ":latest" not in container["image"]


def test_every_container_has_resource_requests_and_limits(manifests):
    for workload in (m for m in manifests if m["kind"] in WORKLOADS):
        for container in all_containers(workload):
            resources = container["resources"]
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources[kind]), (workload, kind)


def test_the_app_runs_as_the_images_user_with_a_writable_tmp(manifests):
    deployment = one(manifests, "Deployment", "eidguide-app")
    container = app_container(manifests)
    assert container["securityContext"]["runAsUser"] == 10001
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 10001
    (tmp,) = [mount for mount in container["volumeMounts"] if mount["mountPath"] == TMP]
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    assert "emptyDir" in volumes[tmp["name"]]
    multiproc = env_of(container)["PROMETHEUS_MULTIPROC_DIR"]["value"]
    assert multiproc.startswith(f"{TMP}/")


def test_the_apps_probes_ask_healthz_with_a_host_the_app_serves(manifests):
    container = app_container(manifests)
    allowed_hosts = config(manifests)["ALLOWED_HOSTS"].split(",")
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/healthz"
        assert get["port"] == "http"
        (host,) = [h["value"] for h in get["httpHeaders"] if h["name"] == "Host"]
        assert host in allowed_hosts, probe
    # Liveness is the most patient: a short database outage takes pods out of the Service
    # (readiness) long before it restarts them.
    live, ready = container["livenessProbe"], container["readinessProbe"]
    assert (
        live["periodSeconds"] * live["failureThreshold"]
        > ready["periodSeconds"] * ready["failureThreshold"]
    )


def test_web_concurrency_follows_the_cpu_limit(manifests):
    container = app_container(manifests)
    field = env_of(container)["WEB_CONCURRENCY"]["valueFrom"]["resourceFieldRef"]
    assert field["resource"] == "limits.cpu"
    assert field["containerName"] == container["name"]
    assert field["divisor"] == "500m"  # two sync workers a CPU of the limit


def test_the_grace_period_outlasts_the_pre_stop_wait_and_gunicorns_graceful_stop(manifests):
    deployment = one(manifests, "Deployment", "eidguide-app")
    container = app_container(manifests)
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > pre_stop + gunicorn_graceful_timeout() + 5


def test_the_migration_job_runs_migrate_locked_and_the_app_does_not_migrate(manifests):
    job = one(manifests, "Job", "eidguide-migrate")
    (container,) = containers(job)
    assert container["command"][:3] == ["python3", "manage.py", "migrate_locked"]
    assert container["image"] == app_container(manifests)["image"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert env_of(app_container(manifests))["MIGRATE_ON_START"]["value"] == "false"


def test_new_app_pods_wait_until_the_migrations_are_applied(manifests):
    deployment = one(manifests, "Deployment", "eidguide-app")
    (wait,) = deployment["spec"]["template"]["spec"]["initContainers"]
    assert wait["image"] == app_container(manifests)["image"]
    assert "manage.py migrate --check" in " ".join(wait["command"])
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_the_edge_renders_the_projects_template_and_reaches_the_app_service(manifests):
    edge = one(manifests, "Deployment", "eidguide-edge")
    (container,) = containers(edge)
    env = {name: item["value"] for name, item in env_of(container).items()}
    service = one(manifests, "Service", "eidguide-app")
    (port,) = service["spec"]["ports"]
    assert env["APP_ADDRESS"] == f"eidguide-app:{port['port']}"
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": int(env["EDGE_PORT"]), "status": 8081}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in edge["spec"]["template"]["spec"]["volumes"]}
    templates = volumes[mounts["/etc/nginx/templates"]]["configMap"]["name"]
    data = one(manifests, "ConfigMap", templates)["data"]
    assert data["default.conf.template"] == EDGE_TEMPLATE.read_text()  # the one file, as it is
    # stub_status (8081) is for the monitoring system only: not in the edge's Service.
    edge_service = one(manifests, "Service", "eidguide-edge")
    assert [p["targetPort"] for p in edge_service["spec"]["ports"]] == ["http"]


def test_the_edge_template_is_one_file():
    """Compose, the edge tests and Kubernetes read the same edge/default.conf.template: no copy
    sits next to the manifests to drift from it."""
    copies = [p for p in (ROOT / "deploy").rglob("*.conf.template")]
    assert copies == [], copies


def test_only_the_edge_reaches_the_app_and_only_the_app_reaches_the_database(manifests):
    policies = {m["metadata"]["name"]: m["spec"] for m in manifests if m["kind"] == "NetworkPolicy"}
    deny = policies["default-deny"]
    assert deny["podSelector"] == {}
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny
    assert "egress" not in deny
    app_sources = [rule["from"] for rule in policies["eidguide-app"]["ingress"]]
    assert app_sources[0] == [
        {
            "podSelector": {
                "matchLabels": {
                    "app.kubernetes.io/name": "eidguide-edge",
                    "app.kubernetes.io/component": "edge",
                }
            }
        }
    ]
    # The only other way in is the monitoring system's Prometheus.
    assert all(
        source[0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] == "monitoring"
        for source in app_sources[1:]
    )
    for name, spec in policies.items():
        reaches = {port["port"] for rule in spec.get("egress", []) for port in rule["ports"]}
        if 5432 in reaches:
            assert name == "eidguide-database-clients"
    clients = policies["eidguide-database-clients"]["podSelector"]["matchExpressions"]
    assert {e["key"]: e["values"] for e in clients} == {
        "app.kubernetes.io/name": ["eidguide"],
        "app.kubernetes.io/component": ["web", "migrate"],
    }


def test_the_app_needs_nothing_but_its_database(manifests):
    """No Redis or other cache beside PostgreSQL: no container is given a CACHE_URL, and the
    pods may open connections only to PostgreSQL, DNS and each other."""
    for workload in (m for m in manifests if m["kind"] in WORKLOADS):
        for container in all_containers(workload):
            assert "CACHE_URL" not in env_of(container), container["name"]
    egress_ports = {
        port["port"]
        for m in manifests
        if m["kind"] == "NetworkPolicy"
        for rule in m["spec"].get("egress", [])
        for port in rule["ports"]
    }
    assert egress_ports == {53, 5432, 8000}


def test_compose_runs_the_edge_the_app_and_postgresql_only():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert set(services) == {"edge", "app", "db"}
    assert services["db"]["image"].startswith("postgres:")
    assert "CACHE_URL" not in services["app"]["environment"]
    assert set(services["app"]["depends_on"]) == {"db"}


def test_the_disruption_budgets_and_autoscalers_keep_two_pods_serving(manifests):
    for name in ("eidguide-app", "eidguide-edge"):
        deployment = one(manifests, "Deployment", name)
        assert "replicas" not in deployment["spec"]  # the autoscaler owns the count
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        budget = one(manifests, "PodDisruptionBudget", name)["spec"]
        assert budget["minAvailable"] == 1
        assert budget["selector"]["matchLabels"].items() <= labels.items()
        autoscaler = one(manifests, "HorizontalPodAutoscaler", name)["spec"]
        assert autoscaler["scaleTargetRef"]["name"] == name
        assert autoscaler["minReplicas"] >= 2


def test_production_sets_its_host_tls_image_and_replicas():
    manifests = render(PRODUCTION)
    host = "eid.borger.example.dk"
    assert config(manifests)["ALLOWED_HOSTS"] == host
    ingress = one(manifests, "Ingress", "eidguide")["spec"]
    assert ingress["rules"][0]["host"] == host
    assert ingress["tls"][0]["hosts"] == [host]
    assert ingress["tls"][0]["secretName"]
    assert app_container(manifests)["image"].startswith("registry.example.dk/")
    assert one(manifests, "HorizontalPodAutoscaler", "eidguide-app")["spec"]["minReplicas"] >= 3


def test_the_edge_runs_as_compose_runs_it():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    if "edge" not in services:
        pytest.skip("compose.yaml has no edge in this tree yet")
    compose_edge = services["edge"]
    (container,) = containers(one(render(BASE), "Deployment", "eidguide-edge"))
    env = {name: item["value"] for name, item in env_of(container).items()}
    assert container["image"] == compose_edge["image"]
    compose_env = {k: str(v).replace("$$", "$") for k, v in compose_edge["environment"].items()}
    assert env["NGINX_ENVSUBST_FILTER"] == compose_env["NGINX_ENVSUBST_FILTER"]
    assert env["EDGE_PORT"] == compose_env["EDGE_PORT"]
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert set(compose_edge.get("tmpfs", [])) <= mounts
