"""A journal of jobs on disk, so a server restart reports the jobs it cut short as interrupted.

The executor writes one small JSON file per job (`<data dir>/jobs/<job id>.json`) when the job is
queued, starts, finishes an epoch and ends. A new executor adopts the records of executors that
are no longer alive: jobs they left queued or running are marked `interrupted`, with their
partial history; finished ones stay listed. Records of a live executor (the command line running
beside the app, say) are left alone.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

from cnnapp.settings import get_settings

UNFINISHED = ("queued", "running", "stopping")
KEEP_S = 7 * 24 * 3600  # records older than a week are removed
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{8,64}", re.ASCII)  # matched whole (fullmatch), never `$`
RELEASED = "released"  # the executor shut down cleanly
INTERRUPTED = "the server restarted while this job was running; its partial history is kept."


def is_job_id(job_id: object) -> bool:
    """True for a job id the journal may name a file after: 8 to 64 ASCII letters, digits, _ or -."""
    return isinstance(job_id, str) and _JOB_ID.fullmatch(job_id) is not None


def _start_time(pid: int) -> str | None:
    """The process's start time (Linux), so that a reused pid is not taken for the same process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def this_process() -> str:
    """An identity of the current process that survives pid reuse: `pid:start time`."""
    return f"{os.getpid()}:{_start_time(os.getpid())}"


def is_alive(identity: str) -> bool:
    """Whether the process named by `this_process()` elsewhere is still running."""
    try:
        pid_text, started = identity.split(":", 1)
        pid = int(pid_text)
    except (AttributeError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by someone else
    return started == "None" or _start_time(pid) == started


class JobJournal:
    """Job records on disk. Writes are atomic (temp file, then rename); errors never propagate.

    Args:
        root: the folder; default `<data dir>/jobs`.
    """

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else get_settings().data_dir / "jobs"
        self.identity = this_process()

    def write(self, record: dict[str, Any]) -> None:
        """Saves one job's record (best effort: a full disk must not stop training)."""
        job_id = record.get("id", "")
        if not is_job_id(job_id):
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            path = self.root / f"{job_id}.json"
            temp = self.root / f".{job_id}.{os.getpid()}.tmp"
            temp.write_text(json.dumps({"executor": self.identity, **record}, default=str))
            os.replace(temp, path)
        except OSError:
            pass

    def release(self, record: dict[str, Any]) -> None:
        """Saves a record as no longer owned (its executor shut down), for the next to adopt."""
        self.write({**record, "executor": RELEASED})

    def recover(self) -> list[dict[str, Any]]:
        """Adopts the records of executors that have ended, marking cut-short jobs interrupted.

        Returns:
            The adopted records, oldest first.
        """
        adopted = []
        if not self.root.is_dir():
            return adopted
        now = time.time()
        for path in sorted(self.root.glob("*.json"), key=lambda p: p.stat().st_mtime):
            try:
                record = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            if not isinstance(record, dict) or not is_job_id(record.get("id")):
                continue  # not a record this journal wrote
            if is_alive(str(record.get("executor"))):
                continue
            if now - path.stat().st_mtime > KEEP_S:
                path.unlink(missing_ok=True)
                continue
            if record.get("state") in UNFINISHED:
                record.update(state="interrupted", error=INTERRUPTED)
            record["executor"] = self.identity  # now ours
            self.write(record)
            adopted.append(record)
        return adopted
