"""Executors of both backends for the shared suite: local workers, and a Ray cluster on 127.0.0.1.

`ray_cluster` (module-scoped) starts a head and a second node with its own resource
(`{"node2": 1}`), one CPU each, with their own temp dir, in their own process groups, and kills
those groups at the end (no `ray stop`, which would stop every Ray on the machine). The executor
fixture `backend` gives a `LocalExecutor` and a `RayExecutor` (a fresh namespace, so a fresh
board) with the same capacity: two jobs at once.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.jobkinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
HEALTH = {  # the head notices a dead node within about a second and a half
    "RAY_health_check_initial_delay_ms": "500",
    "RAY_health_check_period_ms": "500",
    "RAY_health_check_timeout_ms": "500",
    "RAY_health_check_failure_threshold": "3",
}


# On Linux Ray swaps 127.0.0.1 for the machine's network address. The nodes keep it through
# tests/ray_start_loopback.py; drivers (this process, the app processes the tests start) with this.
LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
RAY_START = [sys.executable, str(Path(__file__).with_name("ray_start_loopback.py")), "start"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RayCluster:
    """A head and a second node on 127.0.0.1, each `ray start --block` in its own process group."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: socket paths are limited
        self.env = os.environ | HEALTH | {"PYTHONPATH": str(ROOT), "RAY_USAGE_STATS_ENABLED": "0"}
        self.env |= {name: "1" for name in LOOPBACK}  # nodes: a cluster of several nodes
        self.head = self._start(["--head", "--port", str(self.port), "--include-dashboard=false"])
        self._wait_port()
        self.node2 = self._start(["--address", self.address, "--resources", '{"node2": 1}'])

    def _start(self, args: list[str]) -> subprocess.Popen:
        command = [*RAY_START, *args, "--disable-usage-stats", "--block"]
        command += ["--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--num-gpus", "0"]
        command += ["--temp-dir", self.temp, "--object-store-memory", str(80 * 1024**2)]
        log = open(Path(self.temp) / f"start-{len(os.listdir(self.temp))}.log", "wb")  # noqa: SIM115
        return subprocess.Popen(
            command,
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait_port(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.head.poll() is not None:
                raise RuntimeError(f"ray start --head exited with {self.head.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the Ray head did not open port {self.port} in {timeout} s")

    def node_ids(self) -> dict[str, str]:
        """{"head": id, "node2": id} of the alive nodes."""
        import ray

        ids = {}
        for node in ray.nodes():
            if node.get("Alive"):
                ids["node2" if "node2" in node["Resources"] else "head"] = node["NodeID"]
        return ids

    def kill(self, process: subprocess.Popen) -> None:
        """Kills a node: its `ray start`, raylet, workers and their jobs (one process group)."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(10)

    def stop(self) -> None:
        for process in (self.node2, self.head):
            self.kill(process)
        shutil.rmtree(self.temp, ignore_errors=True)


@contextmanager
def loopback_driver() -> Iterator[None]:
    """This process, and the processes it starts, connect to a cluster on 127.0.0.1 as given."""
    from ray._private import ray_constants

    saved = {name: os.environ.get(name) for name in LOOPBACK}
    cluster_default = ray_constants.ENABLE_RAY_CLUSTER
    os.environ.update(LOOPBACK)  # the processes it starts (app servers, the CLI)
    ray_constants.ENABLE_RAY_CLUSTER = False  # this one (Ray read the variable at import)
    try:
        yield
    finally:
        ray_constants.ENABLE_RAY_CLUSTER = cluster_default
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'ray>=2.52')")
    with loopback_driver():
        cluster = RayCluster()
        try:
            ray.shutdown()
            ray.init(address=cluster.address, log_to_driver=False)
            deadline = time.monotonic() + 60
            while len(cluster.node_ids()) < 2:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the second Ray node did not join; logs in {cluster.temp}")
                time.sleep(0.2)
            yield cluster
        finally:
            ray.shutdown()
            cluster.stop()


def ray_executor(address: str, **options):
    from cnnapp.jobs.ray_executor import RayExecutor

    options.setdefault("namespace", f"test-{uuid.uuid4().hex[:8]}")
    return RayExecutor(address=address, kinds=KINDS, stop_timeout_s=1.0, **options)


# The Ray half starts a two-node cluster (about two minutes on 2 cores): it runs with the slow tests.
@pytest.fixture(params=["local", pytest.param("ray", marks=pytest.mark.slow)])
def backend(request):
    """An executor of each backend, two jobs at once, the fake job kinds of tests/jobkinds.py."""
    if request.param == "local":
        from cnnapp.jobs import LocalExecutor

        executor = LocalExecutor(
            max_jobs=2, gpus=[], kinds=KINDS, stop_timeout_s=1.0, journal=False
        )
    else:
        cluster = request.getfixturevalue("ray_cluster")
        executor = ray_executor(cluster.address)
    yield executor
    executor.shutdown()


def wait_done(executor, job_id, owner, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = executor.status(job_id, owner)
        if status.done:
            return status
        time.sleep(0.05)
    raise AssertionError(f"job did not finish in {timeout} s: {executor.status(job_id, owner)}")


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")
