"""gunicorn.conf.py: workers follow the CPUs the process may use, and no control socket."""

import importlib.util

import pytest

from tools.serve import ROOT


@pytest.fixture
def conf(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cgroup(tmp_path, path: str, limits: dict[str, str]):
    """A cgroup v2 tree in tmp_path: the process in `path`, with cpu.max files as given."""
    membership = tmp_path / "cgroup"
    membership.write_text(f"0::{path}\n")
    root = tmp_path / "fs"
    for folder, value in limits.items():
        (root / folder.strip("/")).mkdir(parents=True, exist_ok=True)
        (root / folder.strip("/") / "cpu.max").write_text(value + "\n")
    return root, membership


def test_a_cgroup_quota_of_one_and_a_half_cpus_allows_two(conf, tmp_path):
    root, membership = cgroup(tmp_path, "/kubepods/pod1", {"/kubepods/pod1": "150000 100000"})
    assert conf.cgroup_cpu_limit(root, membership) == 2


def test_the_tightest_quota_of_the_parents_counts(conf, tmp_path):
    root, membership = cgroup(
        tmp_path, "/a/b", {"/a/b": "max 100000", "/a": "50000 100000", "/": "max 100000"}
    )
    assert conf.cgroup_cpu_limit(root, membership) == 1


def test_no_quota_means_no_limit(conf, tmp_path):
    root, membership = cgroup(tmp_path, "/", {"/": "max 100000"})
    assert conf.cgroup_cpu_limit(root, membership) is None
    assert conf.cgroup_cpu_limit(tmp_path / "missing", tmp_path / "missing") is None


def test_workers_follow_the_affinity_mask(conf, monkeypatch):
    monkeypatch.setattr(conf.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    monkeypatch.setattr(conf, "cgroup_cpu_limit", lambda: None)
    assert conf.default_workers() == 6


def test_workers_follow_the_cgroup_quota_not_the_hosts_cores(conf, monkeypatch):
    monkeypatch.setattr(conf.os, "sched_getaffinity", lambda pid: set(range(64)))
    monkeypatch.setattr(conf, "cgroup_cpu_limit", lambda: 2)
    assert conf.default_workers() == 4


def test_at_least_two_workers(conf, monkeypatch):
    monkeypatch.setattr(conf.os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr(conf, "cgroup_cpu_limit", lambda: 1)
    assert conf.default_workers() == 2


def test_web_concurrency_wins(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.workers == 3


def test_the_control_socket_is_switched_off(conf):
    assert conf.control_socket_disable is True
