"""Warm workers: worker processes started ahead of need, so a job skips the slow start.

A warm worker is a "spawn" process that has already set its slot's environment, imported Keras,
set up the device and imported the job kinds' modules (`cnnapp.jobs.worker.warm_main`); it then
waits on its pipe for one job. It still serves ONE job and exits (so GPU memory is freed); the
executor starts a fresh one behind it. Workers are kept per environment (the env dict a slot's
job gets, e.g. `{"CUDA_VISIBLE_DEVICES": "1"}`), so a job only takes a worker set up for its slot.

Example:
    pool = WarmPool(multiprocessing.get_context("spawn"), WARM_PRELOAD)
    pool.fill([{}])               # one warm worker for one CPU slot
    worker = pool.take({})        # None when there is none: start the job cold
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cnnapp.jobs import spawn
from cnnapp.jobs.spawn import WarmWorker

# What a warm worker does while it waits: Keras, the device and one tiny step, the built-in
# job kinds' modules (see `cnnapp.jobs.local.BUILTIN_KINDS`), and the procedural images (kept in
# the process: the first demo's data is there before the job).
WARM_PRELOAD = (
    "cnnapp.jobs.worker:warm_keras",
    "cnnapp.training.train_job",
    "cnnapp.training.extract_job",
    "cnnapp.data.procedural:make_procedural",
)
MAX_FAILURES = 3  # warm workers that die before a job, in a row, before the pool gives up


def env_key(env: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The key of a slot's environment: equal dicts, equal keys."""
    return tuple(sorted((str(name), str(value)) for name, value in env.items()))


class WarmPool:
    """The warm workers of one executor (called with the executor's lock held).

    Args:
        context: a "spawn" multiprocessing context.
        preload: what each warm worker imports (and calls) while waiting: "module" or
            "module:function" entries; default `WARM_PRELOAD`.
    """

    def __init__(self, context: Any, preload: Iterable[str] = WARM_PRELOAD) -> None:
        self._context = context
        self.preload = list(preload)
        self._workers: list[WarmWorker] = []
        self.failures = 0  # warm workers that died before their job, in a row
        self.closed = False

    @property
    def gave_up(self) -> bool:
        """True after `MAX_FAILURES` warm workers in a row died while waiting (jobs go cold)."""
        return self.failures >= MAX_FAILURES

    def workers(self) -> list[WarmWorker]:
        """The warm workers waiting now (a copy)."""
        return list(self._workers)

    def fill(self, envs: Iterable[dict[str, str]]) -> None:
        """Starts warm workers until each environment in `envs` has one waiting (one per slot).

        Two slots with the same environment (two jobs on one GPU, or on the CPU) get two.
        """
        self._drop_dead()
        if self.closed or self.gave_up:
            return
        wanted: dict[tuple, list[dict[str, str]]] = {}
        for env in envs:
            wanted.setdefault(env_key(env), []).append(dict(env))
        for key, slot_envs in wanted.items():
            have = sum(1 for worker in self._workers if env_key(worker.env) == key)
            for env in slot_envs[have:]:
                try:
                    self._workers.append(spawn.start_warm(self._context, env, self.preload))
                except Exception:  # noqa: BLE001 - no warm worker: jobs start cold as before
                    self.failures += 1
                    return

    def take(self, env: dict[str, str]) -> WarmWorker | None:
        """A live warm worker set up for `env` (a ready one first), removed from the pool.

        One still setting up is taken too: it is ahead of a worker started now.
        """
        self._drop_dead()
        key = env_key(env)
        matching = [worker for worker in self._workers if env_key(worker.env) == key]
        if not matching:
            return None
        worker = next((w for w in matching if w.check_ready()), matching[0])
        self._workers.remove(worker)
        return worker

    def shutdown(self) -> None:
        """Ends every waiting warm worker (no orphan processes)."""
        self.closed = True
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.close()

    def _drop_dead(self) -> None:
        for worker in list(self._workers):
            if worker.process.exitcode is not None:  # died while waiting (no job was sent)
                self._workers.remove(worker)
                worker.close()
                self.failures += 1
            elif worker.check_ready():
                self.failures = 0
