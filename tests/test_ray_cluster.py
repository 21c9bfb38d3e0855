"""The Ray backend on a two-node cluster on 127.0.0.1: a node that dies, and several servers.

The cluster tests are heavy (a cluster of their own, about 90 s on 2 cores): marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from cnnapp import i18n
from cnnapp.runs import RunStore
from tests import executor_backends
from tests.executor_backends import ROOT, ray_executor, wait_done, wait_for

ray_cluster = executor_backends.ray_cluster  # the fixture: a two-node cluster for this module

LOST = "the machine running it was lost"


@pytest.mark.slow
def test_a_node_that_dies_fails_its_job_and_the_rest_go_on(ray_cluster):
    executor = ray_executor(ray_cluster.address)
    nodes = ray_cluster.node_ids()
    jobs = [executor.submit({"kind": "slow_epochs", "sleep_s": 12}, "student") for _ in range(2)]

    def both_past_epoch_1():
        statuses = [executor.status(job_id, "student") for job_id in jobs]
        return statuses if all(status.history for status in statuses) else None

    statuses = wait_for(both_past_epoch_1)
    on_node2 = [s for s in statuses if nodes["node2"][:8] in s.device]
    on_head = [s for s in statuses if nodes["head"][:8] in s.device]
    assert len(on_node2) == 1 and len(on_head) == 1, [s.device for s in statuses]

    ray_cluster.kill(ray_cluster.node2)

    lost = wait_done(executor, on_node2[0].id, "student", timeout=60)
    assert lost.state == "failed"
    assert LOST in lost.error and nodes["node2"][:8] in lost.error
    assert [row["epoch"] for row in lost.history] == [1]  # the partial history is kept
    other = wait_done(executor, on_head[0].id, "student", timeout=60)
    assert other.state == "completed", other.error
    assert [row["epoch"] for row in other.history] == [1, 2]
    # The class goes on: a new job runs on the node that is left.
    again = wait_done(executor, executor.submit({"kind": "quick"}, "student"), "student")
    assert again.state == "completed" and nodes["head"][:8] in again.device
    assert executor.slots()["capacity"] == 1


def test_the_lost_machine_text_is_in_both_languages():
    assert LOST in i18n.t("msg.job.machine_lost", "en", node="abcd1234")
    assert "se perdió la máquina" in i18n.t("msg.job.machine_lost", "es", node="abcd1234")


SERVER = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {root!r})
    from tests.executor_backends import ray_executor
    executor = ray_executor({address!r}, namespace={namespace!r})
    if sys.argv[1] == "submit":
        print(json.dumps(executor.submit({{"kind": "quick", "label": "from server 1"}}, "student")))
    else:
        statuses = executor.list("student")
        print(json.dumps([[s.id, s.state, s.label] for s in statuses]))
    """
)


def _server(cluster, namespace, action):
    """Runs a separate process connected to the cluster, as another Streamlit server would be."""
    script = SERVER.format(root=str(ROOT), address=cluster.address, namespace=namespace)
    done = subprocess.run(
        [sys.executable, "-c", script, action], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_servers_sharing_the_cluster_see_the_same_jobs(ray_cluster):
    executor = ray_executor(ray_cluster.address)  # this process: server 2
    job_id = _server(ray_cluster, executor.namespace, "submit")  # server 1 submits, then exits
    status = wait_done(executor, job_id, "student")
    assert status.state == "completed" and status.label == "from server 1"
    assert executor.status(job_id, "someone else") is None
    # Server 1 restarted (a new process) finds the job again.
    assert _server(ray_cluster, executor.namespace, "list") == [
        [job_id, "completed", "from server 1"]
    ]


@pytest.mark.slow
def test_the_command_line_trains_on_the_cluster_into_the_shared_run_store(ray_cluster, tmp_path):
    """A real (tiny) training job: CNNAPP_EXECUTOR=ray makes the CLI submit to the cluster, and
    the run lands in CNNAPP_MODELS_DIR, which every node sees (here: one machine's folder)."""
    spec_file = tmp_path / "tiny.json"
    spec_file.write_text(
        json.dumps(
            [{"type": "conv2d", "filters": 4}, {"type": "maxpooling2d"}, {"type": "flatten"}]
        )
    )
    env = os.environ | {
        "CNNAPP_EXECUTOR": "ray",
        "RAY_ADDRESS": ray_cluster.address,
        "CNNAPP_RAY_NAMESPACE": "cli-test",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "cnnapp", "train", "--spec", str(spec_file)]
    command += ["--limit", "100", "--epochs", "1", "--json"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["state"] == "completed"
    runs = RunStore().list()  # the test's CNNAPP_MODELS_DIR, passed on to the job
    assert [run.run_id for run in runs] == [result["run_id"]]
    assert runs[0].status == "ok" and runs[0].owner == "cli"
    board = ray_executor(ray_cluster.address, namespace="cli-test")
    (status,) = board.list("cli")  # the job's record outlives the command that submitted it
    assert status.state == "completed" and "CPU on node" in status.device


APP_SERVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file({app!r}, default_timeout=180)
    at.query_params.update({{"session": {session!r}, "lang": "en"}})
    at.switch_page("pages/2_Build.py").run()
    at.session_state["dataset_ref"] = {{"name": "procedural", "limit": 600}}
    at.switch_page("pages/3_Train.py").run()
    at.number_input(key="w_train_epochs").set_value(100)
    at.text_input(key="w_train_label").input("started on server 1")
    at.run()
    at.button(key="w_train_start").click().run()
    assert not at.exception and not at.error, (at.exception, at.error)
    print(at.session_state["job_id"])
    """
)


@pytest.mark.slow
def test_two_app_processes_on_the_cluster_share_a_students_job(ray_cluster, monkeypatch, tmp_path):
    """Sticky sessions behind one address: the app in one process starts a student's training;
    the app in another process (the same student on a second Streamlit server) shows it on Train
    and stops it there. Both run the app's own pages (AppTest), connected to the same cluster."""
    from streamlit.testing.v1 import AppTest

    from ui import resources

    session = "fedcba9876543210" * 2
    env = {
        "CNNAPP_EXECUTOR": "ray",
        "RAY_ADDRESS": ray_cluster.address,
        "CNNAPP_RAY_NAMESPACE": f"apps-{uuid.uuid4().hex[:8]}",
        "CNNAPP_MODELS_DIR": str(tmp_path / "runs"),  # the shared run store
    }
    app = str(ROOT / "app.py")
    script = APP_SERVER.format(root=str(ROOT), app=app, session=session)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, timeout=300, env=os.environ | env, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    job_id = done.stdout.strip().splitlines()[-1]

    for name, value in env.items():  # this process: server 2
        monkeypatch.setenv(name, value)
    resources.shutdown_executor()
    try:
        at = AppTest.from_file(app, default_timeout=180)
        at.query_params.update({"session": session, "lang": "en"})
        at.switch_page("pages/3_Train.py").run()
        assert not at.exception
        executor = resources.executor()
        assert type(executor).__name__ == "RayExecutor"
        (status,) = [s for s in executor.list(at.session_state["owner"]) if s.id == job_id]
        assert status.label == "started on server 1" and not status.done
        # Server 2's Train page shows the running job and stops it.
        assert not at.button(key="w_train_stop").disabled
        at.button(key="w_train_stop").click().run()
        assert not at.exception
        deadline = time.monotonic() + 120
        while not (status := executor.status(job_id, at.session_state["owner"])).done:
            assert time.monotonic() < deadline, status.state
            time.sleep(0.5)
        assert status.state == "stopped"
    finally:
        resources.shutdown_executor()
