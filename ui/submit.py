"""Submitting a job for this session: in class mode a student's job must fit the class limits.

Lecturers, and desk mode, are not limited. A student over the disk quota first loses their oldest
uploads (never a run); what is still over is refused with a message naming the limit.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from ui import keys, resources
from ui.auth import is_student
from ui.text import lang


def submit(spec: dict) -> str:
    """Queues `spec` for this session's owner; returns the job id.

    Raises:
        ValueError: the spec is not a job, or (a student) it breaks a class limit: the message
            says which, its value and what to do.
        RuntimeError: the executor has shut down.
    """
    executor, owner = resources.executor(), keys.owner()
    if is_student():
        from cnnapp.classroom.limits import admission_error, load_limits, owner_disk_bytes

        limits = load_limits()
        if hasattr(executor, "per_owner_running"):
            executor.per_owner_running = limits.max_running_per_owner
        runs_bytes = owner_disk_bytes(owner)
        used = runs_bytes + _uploads_bytes(owner, limits, runs_bytes)
        error = admission_error(spec, owner, executor.list(owner), limits, used, lang=lang())
        if error:
            raise ValueError(error)
    return executor.submit(spec, owner)


def _uploads_bytes(owner: str, limits, runs_bytes: int) -> int:
    """The student's uploads, after pruning the oldest ones that do not fit the quota (never the
    zip the session's dataset comes from)."""
    from cnnapp.data import uploads

    current = (st.session_state.get(keys.ZIP_UPLOAD) or {}).get("path")
    keep = max(0, limits.disk_quota_bytes - runs_bytes)
    uploads.prune_uploads(owner, keep_bytes=keep, spare=Path(current) if current else None)
    return uploads.owner_upload_bytes(owner)
