"""The edge (nginx with `edge/default.conf.template`) in front of gunicorns, on loopback: for the
edge tests and the benchmark.

The template is rendered exactly as the official nginx image does it (envsubst of APP_ADDRESS and
EDGE_PORT only), then wrapped in edge/nginx.conf, the main file mounted over the image's. To run
here, next to other servers, a few fixed things of the container are moved (`relocate`): the
cache folder (/var/cache/nginx) into a temporary folder, the internal ports 8081 to 8083 to free
ports, and the one `server` of the upstream (compose's name resolves to every replica) becomes
one line per gunicorn. Nothing else is changed, so what is tested is what the container runs.
"""

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tools.serve import ROOT, free_port, stop

TEMPLATE = ROOT / "edge" / "default.conf.template"
NGINX = "/usr/sbin/nginx"
STUB_STATUS_PORT = 8081
MISS_LIMITER = "127.0.0.1:8082"
RENEWER = "127.0.0.1:8083"

MAIN = ROOT / "edge" / "nginx.conf"


def main_config(folder: Path, workers: int | str) -> str:
    """edge/nginx.conf (the main file compose and Kubernetes mount) with the container's places
    moved into ``folder``; no `user` (nginx's workers run as "nobody" when the master is root)."""
    config = MAIN.read_text()
    config = config.replace("user  nginx;\n", "")
    config = re.sub(r"worker_processes\s+\w+;", f"worker_processes  {workers};", config)
    config = config.replace("/var/log/nginx/", f"{folder}/")
    config = config.replace("/var/run/nginx.pid", f"{folder}/nginx.pid")
    temp = "".join(
        f"    {kind}_temp_path {folder}/{kind}_temp;\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return config.replace(
        "    include /etc/nginx/conf.d/*.conf;", f"{temp}    include {folder}/conf.d/*.conf;"
    )


def render(app_address: str, edge_port: str, template: Path = TEMPLATE) -> str:
    """The template as the official image's envsubst renders it with these two variables."""
    text = template.read_text()
    values = {"APP_ADDRESS": app_address, "EDGE_PORT": edge_port}
    # envsubst replaces $NAME and ${NAME} of the listed variables only; nginx's own survive.
    return _envsubst(text, values)


def _envsubst(text: str, values: dict[str, str]) -> str:
    pattern = re.compile(r"\$(?:\{(%s)\}|(%s)\b)" % (("|".join(values),) * 2))
    return pattern.sub(lambda m: values[m.group(1) or m.group(2)], text)


def template_variables(template: Path = TEMPLATE) -> set[str]:
    """Every `${NAME}` the template reads (nginx's own variables are written without braces)."""
    return set(re.findall(r"\$\{(\w+)\}", template.read_text()))


@dataclass(frozen=True)
class Ports:
    """Where a local edge listens: the public port and its three internal ones."""

    public: int
    stub_status: int
    miss_limiter: int
    renewer: int


def relocate(config: str, folder: Path, ports: Ports, upstreams: list[str]) -> str:
    """The rendered configuration, with the container's fixed places moved for a local run."""
    config = config.replace("/var/cache/nginx", str(folder / "cache"))
    config = config.replace("/etc/nginx/edge.d/", str(folder / "edge.d") + "/")
    config = re.sub(
        rf"listen {STUB_STATUS_PORT};", f"listen 127.0.0.1:{ports.stub_status};", config
    )
    config = config.replace(MISS_LIMITER, f"127.0.0.1:{ports.miss_limiter}")
    config = config.replace(RENEWER, f"127.0.0.1:{ports.renewer}")
    first, *_rest = upstreams
    servers = "\n".join(f"    server {address};" for address in upstreams)
    config, count = re.subn(rf"^\s*server {re.escape(first)};$", servers, config, flags=re.M)
    assert count == 1, "the template's upstream should hold exactly one server line"
    return config


def ensure_nginx() -> str | None:
    """Install Debian's nginx when it is missing; None when it is there, else why it is not."""
    if Path(NGINX).exists():
        return None
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("\nnginx is missing: installing Debian's nginx-light package with apt-get ...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=False, env=env)
    if Path(NGINX).exists():
        return None
    return (
        f"The edge tests need Debian's nginx at {NGINX}, and it could not be installed here. "
        "Install it with `sudo apt-get install nginx-light` and run again."
    )


@dataclass(frozen=True)
class Edge:
    url: str
    ports: Ports
    folder: Path
    pid: int

    def access_log(self) -> list[str]:
        """The JSON access log lines written so far (nginx's standard output)."""
        path = self.folder / "stdout.log"
        return path.read_text().splitlines() if path.exists() else []


def write_config(
    folder: Path,
    upstreams: list[str],
    extra_http: str = "",
    workers: int | str = 1,
    snippets: dict[str, str] | None = None,
):
    """Render, relocate and wrap the template in `folder`; returns the ports and the main file."""
    ports = Ports(free_port(), free_port(), free_port(), free_port())
    for name in ("conf.d", "cache", "edge.d"):
        (folder / name).mkdir(exist_ok=True)
    if os.geteuid() == 0:
        # nginx's workers run as "nobody" when the master is root: they write the cache.
        folder.chmod(0o755)
        nobody = pwd.getpwnam("nobody")
        os.chown(folder / "cache", nobody.pw_uid, nobody.pw_gid)
    for name, text in (snippets or {}).items():
        (folder / "edge.d" / name).write_text(text)
    rendered = render(upstreams[0], f"127.0.0.1:{ports.public}")
    (folder / "conf.d" / "default.conf").write_text(
        relocate(rendered, folder, ports, upstreams) + extra_http
    )
    main = folder / "nginx.conf"
    main.write_text(main_config(folder, workers))
    return ports, main


def wait_for(url: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def edge(
    upstreams: list[str],
    extra_http: str = "",
    workers: int | str = 1,
    snippets: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
):
    """nginx running the real template in front of the given app addresses (host:port), with
    optional server-level snippets (the container's /etc/nginx/edge.d/*.conf) by file name, in
    ``env`` (this process's environment by default)."""
    reason = ensure_nginx()
    if reason:
        raise RuntimeError(reason)
    folder = Path(tempfile.mkdtemp(prefix="eidguide-edge-"))
    try:
        ports, main = write_config(folder, upstreams, extra_http, workers, snippets)
        check = subprocess.run(
            [NGINX, "-t", "-q", "-p", str(folder), "-c", str(main)],
            capture_output=True,
            text=True,
        )
        if check.returncode:
            raise RuntimeError(f"nginx -t refused the edge configuration:\n{check.stderr}")
        with open(folder / "stdout.log", "wb") as stdout, open(folder / "stderr.log", "wb") as err:
            process = subprocess.Popen(
                [NGINX, "-p", str(folder), "-c", str(main), "-g", "daemon off;"],
                stdout=stdout,
                stderr=err,
                env=env,
            )
        try:
            wait_for(f"http://127.0.0.1:{ports.stub_status}/stub_status")
            yield Edge(f"http://127.0.0.1:{ports.public}", ports, folder, process.pid)
        finally:
            stop(process, seconds=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
