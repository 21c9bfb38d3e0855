"""Which server folders "a folder on the server" may read: the allowed roots, and the check.

A path typed into the app is resolved first (symlinks and `..` followed, as the operating system
would), then it must lie inside one of the roots. The check never opens the folder, so its error
can never tell what the folder holds.

Example:
    >>> roots = allowed_roots(desk_mode=False)
    >>> check_folder("/etc", roots)
    Traceback (most recent call last):
    DataPathError: The path '/etc' is outside the folders this app may read ...
"""

from __future__ import annotations

import os
from pathlib import Path

from cnnapp.settings import get_settings


class DataPathError(ValueError):
    """A dataset path outside the allowed roots; the message names the path and the roots."""


def _resolved(path: str | os.PathLike) -> Path:
    return Path(os.path.realpath(Path(path).expanduser()))


def allowed_roots(desk_mode: bool) -> list[Path]:
    """The folders (resolved, without repeats) whose contents datasets may be read from.

    Args:
        desk_mode: `True` when the app runs on the user's own machine (no sign-in): their home
            folder is allowed too. `False` on a class server.

    Returns:
        `get_settings().data_roots` (env `CNNAPP_DATA_ROOTS`, `os.pathsep`-separated) or, when it
        is not set, `get_settings().data_dir` (env `CNNAPP_DATA_DIR`); plus `Path.home()` in desk
        mode.
    """
    settings = get_settings()
    roots = list(settings.data_roots) or [settings.data_dir]
    if desk_mode:
        roots.append(Path.home())
    found: list[Path] = []
    for root in roots:
        resolved = _resolved(root)
        if resolved not in found:
            found.append(resolved)
    return found


def is_inside(path: str | os.PathLike, roots: list[Path]) -> bool:
    """Whether `path`, once resolved, is one of `roots` or lies inside one."""
    resolved = _resolved(path)
    return any(resolved.is_relative_to(_resolved(root)) for root in roots)


def check_folder(path: str | os.PathLike, roots: list[Path]) -> Path:
    """The resolved `path`, if it lies inside one of `roots`.

    Symlinks and `..` are resolved before the check, so neither `root/../etc` nor a link inside
    a root that points elsewhere gets out. The folder is not opened.

    Args:
        path: a folder or archive typed into the app.
        roots: the allowed roots (see `allowed_roots`).

    Returns:
        The resolved path (it may not exist yet: loading says so).

    Raises:
        DataPathError: if `path` is empty or outside every root.
    """
    text = str(path).strip()
    shown = ", ".join(str(root) for root in roots) or "(none)"
    if not text:
        raise DataPathError(f"No dataset path was given; give a folder inside one of: {shown}.")
    resolved = _resolved(text)
    if is_inside(resolved, roots):
        return resolved
    where = "" if str(resolved) == text else f" (it resolves to {str(resolved)!r})"
    raise DataPathError(
        f"The path {text!r}{where} is outside the folders this app may read: {shown}. Put the "
        "dataset inside one of them, or ask the server's administrator to add its folder to "
        "CNNAPP_DATA_ROOTS."
    )
