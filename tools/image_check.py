"""`make image-check`: build the container image and run it as production would, here.

There is no Docker engine on these machines, so: podman builds the Dockerfile (vfs storage, chroot
isolation) on a stand-in for python:3.13-slim made with debootstrap; the image is exported to a
folder and started from its entrypoint in a private mount namespace with a read-only root, a
tmpfs /tmp and /dev/shm, a fresh SQLite volume at /data, as its non-root user, on loopback. The
check lints the Dockerfile (hadolint), waits for /healthz, fetches an advice page and a static
file, stops the container with SIGTERM and checks it exited cleanly within 10 s. It prints the
image size and the time from start to the first healthy answer. Where podman or debootstrap
cannot be installed (or we are not root), it says so and skips.
"""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.serve import ROOT, free_port, wait_until_healthy

BASE = "localhost/python:3.13-slim"
IMAGE = "localhost/eidguide:check"
PODMAN = ["podman", "--storage-driver", "vfs"]
APP_USER = "10001:10001"
STOP_WITHIN = 10.0
RUN_SCRIPT = r"""
set -eu
ROOT=$1; DATA=$2
mount --bind "$ROOT" "$ROOT"
mount --bind /dev "$ROOT/dev"
mount -t proc proc "$ROOT/proc"
mount -t tmpfs -o size=64m,mode=1777 tmpfs "$ROOT/tmp"
mount -t tmpfs -o size=64m,mode=1777 tmpfs "$ROOT/dev/shm"
mount --bind "$DATA" "$ROOT/data"
mount -o remount,bind,ro "$ROOT"
cd /
exec chroot --userspec="$APP_USER" "$ROOT" /usr/bin/env -i \
  PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin HOME=/nonexistent \
  PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=eidguide.settings \
  SECRET_KEY="$SECRET_KEY" DATABASE_URL=sqlite:////data/db.sqlite3 ALLOWED_HOSTS=127.0.0.1 \
  HOST=127.0.0.1 PORT="$PORT" WEB_CONCURRENCY=2 \
  sh -c 'cd /app && exec /app/docker-entrypoint.sh gunicorn eidguide.wsgi'
"""


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)


def say(message: str) -> None:
    print(f"image-check: {message}", flush=True)


def tools_available() -> str | None:
    """Why the check cannot run here, or None when it can (installing what is missing)."""
    if os.geteuid() != 0:
        return "it needs root (podman builds, mount namespaces and chroot)"
    missing = [tool for tool in ("podman", "debootstrap", "unshare") if not shutil.which(tool)]
    if missing and shutil.which("apt-get"):
        say(f"installing {', '.join(missing)} from Debian's packages")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "podman", "debootstrap", "util-linux"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            stdout=subprocess.DEVNULL,
        )
    missing = [tool for tool in ("podman", "debootstrap", "unshare") if not shutil.which(tool)]
    return f"{', '.join(missing)} could not be installed" if missing else None


def ensure_base_image() -> None:
    """The stand-in for python:3.13-slim: Debian trixie (Python 3.13) made with debootstrap."""
    exists = subprocess.run([*PODMAN, "image", "exists", BASE], check=False)
    if exists.returncode == 0:
        return
    say(f"making {BASE} with debootstrap (Debian trixie, python3, python3-venv)")
    with tempfile.TemporaryDirectory(prefix="eidguide-base-", dir="/var/tmp") as workdir:
        rootfs = Path(workdir) / "rootfs"
        run(
            [
                "debootstrap",
                "--variant=minbase",
                "--include=python3,python3-venv,ca-certificates",
                "trixie",
                str(rootfs),
                "http://deb.debian.org/debian",
            ],
            stdout=subprocess.DEVNULL,
        )
        # pip inside the build needs the machine's certificate bundle to reach the index.
        shutil.copy("/etc/ssl/certs/ca-certificates.crt", rootfs / "etc/ssl/certs/")
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        run([*PODMAN, "import", "-", BASE], stdin=tar.stdout, stdout=subprocess.DEVNULL)
        tar.wait()


def build_image() -> int:
    """Build the Dockerfile; returns the image size in bytes."""
    say("building the image with podman")
    started = time.monotonic()
    run(
        [
            *PODMAN,
            "build",
            "--isolation",
            "chroot",
            "--cgroup-manager",
            "cgroupfs",
            "--network",
            "host",
            "--format",
            "docker",
            "--build-arg",
            f"BASE_IMAGE={BASE}",
            "--tag",
            IMAGE,
            str(ROOT),
        ],
        stdout=subprocess.DEVNULL,
    )
    say(f"built in {time.monotonic() - started:.0f} s")
    size = subprocess.run(
        [*PODMAN, "image", "inspect", IMAGE, "--format", "{{.Size}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(size.strip())


def export_image(target: Path) -> None:
    container = subprocess.run(
        [*PODMAN, "create", IMAGE], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        export = subprocess.Popen([*PODMAN, "export", container], stdout=subprocess.PIPE)
        run(["tar", "-x", "-C", str(target)], stdin=export.stdout)
        export.wait()
    finally:
        subprocess.run([*PODMAN, "rm", container], check=False, stdout=subprocess.DEVNULL)


def check_running_image(rootfs: Path, data: Path) -> tuple[float, float]:
    """Start, probe and stop the exported image; returns (seconds to healthy, seconds to stop)."""
    import requests

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PORT": str(port),
        "APP_USER": APP_USER,
    }
    started = time.monotonic()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                RUN_SCRIPT,
                "run",
                str(rootfs),
                str(data),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_healthy(base, seconds=60)
            healthy_after = time.monotonic() - started
            uid = re.search(r"^Uid:\s+(\d+)", Path(f"/proc/{process.pid}/status").read_text(), re.M)
            assert uid.group(1) == "10001", f"the app runs as uid {uid.group(1)}, not 10001"
            proxy = {"X-Forwarded-Proto": "https"}
            page = requests.get(f"{base}/en/?date=2023-10-31", headers=proxy, timeout=10)
            assert page.status_code == 200, page.status_code
            assert 'data-nemid-status="closed"' in page.text
            css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page.text).group(1)
            static = requests.get(
                base + css, headers={**proxy, "Accept-Encoding": "br"}, timeout=10
            )
            assert static.status_code == 200, static.status_code
            assert "immutable" in static.headers["Cache-Control"]
            say(
                f"/en/?date=2023-10-31 200 (closed), {css} 200 "
                f"({static.headers.get('Content-Encoding')})"
            )
        except BaseException:
            process.kill()
            log.seek(0)
            print(log.read().decode(errors="replace")[-3000:])
            raise
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=STOP_WITHIN)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(
                f"the container did not stop within {STOP_WITHIN} s of SIGTERM"
            ) from None
        stopped_after = time.monotonic() - stopping
        log.seek(0)
        output = log.read().decode(errors="replace")
    assert code == 0, f"the container exited with {code} after SIGTERM:\n{output[-2000:]}"
    assert "Shutting down: Master" in output
    assert "GET /healthz" not in output, "health probes should not fill the access log"
    assert (data / "db.sqlite3").exists(), "the database should live on the /data volume"
    return healthy_after, stopped_after


def main() -> int:
    why_not = tools_available()
    if why_not:
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"} and os.geteuid() == 0:
            # CI runs as root and can install what the check needs: not building there is a fault.
            say(f"FAILED: {why_not}, and under CI (as root) the image must be built and checked.")
            return 1
        say(f"SKIPPED: {why_not}. Install podman and debootstrap (as root) to build the image.")
        return 0
    say("linting the Dockerfile with hadolint")
    run([str(Path(sys.executable).parent / "hadolint"), str(ROOT / "Dockerfile")])
    ensure_base_image()
    size = build_image()
    with tempfile.TemporaryDirectory(prefix="eidguide-image-", dir="/var/tmp") as workdir:
        rootfs, data = Path(workdir) / "rootfs", Path(workdir) / "data"
        rootfs.mkdir()
        data.mkdir()
        os.chown(data, 10001, 10001)
        export_image(rootfs)
        healthy_after, stopped_after = check_running_image(rootfs, data)
    say(f"image size: {size / 1_000_000:.0f} MB ({IMAGE}, on the debootstrap stand-in base)")
    say(
        f"start to first healthy answer: {healthy_after:.1f} s "
        "(migrations on a fresh SQLite included)"
    )
    say(f"SIGTERM to clean exit: {stopped_after:.1f} s")
    say("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
