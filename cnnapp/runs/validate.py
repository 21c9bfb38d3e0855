"""Checks a run's files as they are read, so that one damaged run never breaks a page.

Every page reads runs that others saved (the command line's are visible to every session), so a
run's JSON files are untrusted input: `read_json` refuses what is not JSON (or is too large), and
`check_file` holds each file to the shape the pages read: numbers are finite real numbers (not
true/false, text, infinity or NaN), lists are lists, epochs positive whole numbers, class names
text, the spec a network `cnnapp.nets.spec.normalize_spec` accepts. Keys the pages do not read are
left alone, so runs saved by a newer version still list. A file that fails makes its run
"damaged" (see `cnnapp.runs.store.RunStore.list`).

Example:
    value = read_json(path / "metrics.json")  # ValueError: not JSON, or too large
    check_file("metrics.json", value)  # ValueError: "test_accuracy must be ..., got 'inf'"
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.spec import normalize_spec
from cnnapp.training.scoring import RESULT_COLUMNS

JSON_FILES = ("config.json", "spec.json", "history.json", "metrics.json")
MAX_FILE_BYTES = 16 * 2**20  # a run's JSON files hold a few hundred kB at most
MAX_CLASSES = 1000  # class names and confusion matrices larger than this are refused
_MAX_WHOLE = 2**53  # larger whole numbers lose precision in JSON readers (and overflow sums)

Check = Callable[[Any, str], None]  # check(value, where) raises ValueError naming `where`


# Reading


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"it holds {name}, which is not a number JSON allows")


def read_json(path: Path) -> Any:
    """Reads one JSON file of a run.

    Raises:
        FileNotFoundError: if it does not exist.
        OSError: if it cannot be read.
        ValueError: if it is larger than `MAX_FILE_BYTES`, not UTF-8, not JSON, nested too
            deeply, or holds NaN or Infinity.
    """
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"it has {size:,} bytes, more than the {MAX_FILE_BYTES:,} a run file may")
    text = path.read_bytes().decode("utf-8")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("it is nested too deeply to be a run file") from None


# Checks, combined like the fields they check


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fail(where: str, expected: str, value: Any) -> NoReturn:
    raise ValueError(f"{where or 'the file'} must be {expected}, got {_show(value)}")


def _is_real(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _number(low: float | None = None, high: float | None = None) -> Check:
    if high is not None:
        expected = f"a finite number from {low:g} to {high:g}"
    else:
        expected = "a finite number" + (f" of at least {low:g}" if low is not None else "")

    def check(value: Any, where: str) -> None:
        if not _is_real(value):
            _fail(where, expected, value)
        if (low is not None and value < low) or (high is not None and value > high):
            _fail(where, expected, value)

    return check


def _whole(low: int = 0) -> Check:
    expected = f"a whole number of at least {low}"

    def check(value: Any, where: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(where, expected, value)
        if not low <= value <= _MAX_WHOLE:
            _fail(where, f"{expected} (and at most 2**53)", value)

    return check


def _text(value: Any, where: str) -> None:
    if not isinstance(value, str):
        _fail(where, "text", value)


def _name(value: Any, where: str) -> None:
    if not isinstance(value, str) or not value:
        _fail(where, "a non-empty text", value)


def _flag(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        _fail(where, "true or false", value)


def _optional(check: Check) -> Check:
    def optional(value: Any, where: str) -> None:
        if value is not None:
            check(value, where)

    return optional


def _choice(*options: str) -> Check:
    def check(value: Any, where: str) -> None:
        if value not in options:
            _fail(where, f"one of {list(options)}", value)

    return check


def _list_of(item: Check, max_items: int | None = None) -> Check:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, list):
            _fail(where, "a list", value)
        if max_items is not None and len(value) > max_items:
            raise ValueError(f"{where} must be a list of at most {max_items}, got {len(value)}")
        for index, element in enumerate(value):
            item(element, f"{where}[{index}]")

    return check


def _fields(table: dict[str, Check], required: tuple[str, ...] = ()) -> Check:
    """An object whose known keys hold what `table` says (other keys are not read, so allowed)."""

    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            _fail(where, "an object ({...})", value)
        for key in required:
            if key not in value:
                raise ValueError(f"{where or 'the file'} has no {key!r}; expected one")
        for key, field in table.items():
            if key in value:
                field(value[key], f"{where}.{key}" if where else key)

    return check


def _settings(cls: type) -> Check:
    """An object that `cls.from_dict` accepts (the Train page loads it on "train again")."""

    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            _fail(where, "an object ({...})", value)
        try:
            cls.from_dict(value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{where}: {error}") from None

    return check


def _counts_matrix(value: Any, where: str) -> None:
    _list_of(_list_of(_whole(0), MAX_CLASSES), MAX_CLASSES)(value, where)
    if any(len(row) != len(value) for row in value):
        _fail(where, "a square matrix (one row and one column per class)", value)


def _figures(value: Any, where: str, logs: bool = True) -> None:
    """One epoch's figures: `epoch` (a positive whole number), numbers, and optional `logs`."""
    if not isinstance(value, dict):
        _fail(where, "an object with one epoch's figures", value)
    for key, figure in value.items():
        if key == "epoch":
            _whole(1)(figure, f"{where}.epoch")
        elif key == "logs" and logs:
            _figures(figure, f"{where}.logs", logs=False)
        else:
            _optional(_number())(figure, f"{where}.{key}")


def _epoch(value: Any, where: str) -> None:
    _figures(value, where)
    if "epoch" not in value:
        raise ValueError(f"{where} has no 'epoch'; expected its number (1 for the first)")


# The files

_ACCURACY, _AMOUNT = _optional(_number(0, 1)), _optional(_number(0))
_DATASET = _fields(
    {
        "name": _text,
        "path": _optional(_text),
        "test_path": _optional(_text),
        "image_size": _optional(_whole(1)),
        "limit": _optional(_whole(1)),
    }
)
_SPLIT = _fields(
    {
        "train": _whole(0),
        "val": _whole(0),
        "test": _whole(0),
        "validation": _choice("first", "last"),
    }
)
_CONFIG = _fields(
    {
        "owner": _name,
        "label": _optional(_text),
        "created_at": _optional(_text),
        "kind": _optional(_text),
        "dataset": _optional(_DATASET),
        "dataset_source": _optional(_text),
        "preprocessing": _optional(_settings(Preprocessing)),
        "normalization": _optional(_list_of(_list_of(_number()))),
        "train": _optional(_settings(TrainConfig)),
        "network_name": _optional(_text),
        "recipe": _optional(_text),
        "class_names": _optional(_list_of(_text, MAX_CLASSES)),
        "input_shape": _optional(_list_of(_whole(1), 3)),
        "split": _optional(_SPLIT),
        "status": _optional(_text),
    }
)
_MISTAKE = _fields(
    {"index": _whole(0), "true": _whole(0), "pred": _whole(0), "confidence": _number(0, 1)},
    required=("index", "true", "pred", "confidence"),
)
_METRICS = _fields(
    {
        **{key: _ACCURACY if "accuracy" in key else _AMOUNT for key in RESULT_COLUMNS},
        "epochs_run": _optional(_whole(0)),
        "best_epoch": _optional(_whole(1)),
        "early_stopped_epoch": _optional(_whole(1)),
        "restored": _optional(_flag),
        "stopped": _optional(_flag),
        **dict.fromkeys(
            ("wall_time_s", "fit_time_s", "images_per_s", "feature_time_s", "features_per_s"),
            _AMOUNT,
        ),
        **dict.fromkeys(
            ("device", "backend", "detail_split", "feature_cache", "init_fingerprint"),
            _optional(_text),
        ),
        "num_params": _optional(_whole(0)),
        "head_params": _optional(_whole(0)),
        "per_class_accuracy": _optional(_list_of(_ACCURACY, MAX_CLASSES)),
        "confusion_matrix": _optional(_counts_matrix),
        "misclassified": _optional(_list_of(_MISTAKE)),
        "training_plan": _optional(_fields({})),
    }
)


def _history(value: Any, where: str) -> None:
    """`{"epochs": [...]}` (as runs are saved), a bare list of epochs, or Keras's
    `{"loss": [...], ...}`."""
    if isinstance(value, list):
        _list_of(_epoch)(value, "epochs")
        return
    if not isinstance(value, dict):
        _fail("the history", 'an object such as {"epochs": [...]}', value)
    for key, item in value.items():
        if key == "epochs":
            _list_of(_epoch)(item, "epochs")
        else:
            _list_of(_optional(_number()))(item, key)


def _spec(value: Any, where: str) -> None:
    if not isinstance(value, list):
        _fail("the network", "a list of layers", value)
    normalize_spec(value)  # NetworkError (a ValueError) names the layer and what it expects


CHECKS: dict[str, Check] = {
    "config.json": _CONFIG,
    "metrics.json": _METRICS,
    "history.json": _history,
    "spec.json": _spec,
}


def check_file(name: str, value: Any) -> None:
    """Checks the content of one of a run's JSON files.

    Args:
        name: "config.json", "metrics.json", "history.json" or "spec.json".
        value: what `read_json` returned.

    Raises:
        ValueError: saying which field holds what, and what it should hold.
        KeyError: if `name` is not one of the four files.
    """
    CHECKS[name](value, "")


def check_together(config: dict[str, Any], metrics: dict[str, Any]) -> None:
    """Checks what two valid files must agree on: one confusion-matrix row per class name.

    Raises:
        ValueError: if they disagree.
    """
    names, matrix = config.get("class_names") or [], metrics.get("confusion_matrix") or []
    if names and matrix and len(names) != len(matrix):
        raise ValueError(
            f"its confusion_matrix has {len(matrix)} rows but config.json names {len(names)} "
            "classes; expected one row per class"
        )


def read_files(folder: Path) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Reads and checks the four JSON files of the run in `folder`; never raises.

    Returns:
        `(raw, valid, problems)`: what each readable JSON file holds, the files that passed every
        check, and what is wrong, in words ("metrics.json is damaged: test_accuracy must be ...").
    """
    raw: dict[str, Any] = {}
    valid: dict[str, Any] = {}
    problems: list[str] = []
    for name in JSON_FILES:
        try:
            raw[name] = read_json(folder / name)
            check_file(name, raw[name])
            valid[name] = raw[name]
        except FileNotFoundError:
            problems.append(f"{name} is missing")
        except (OSError, ValueError) as error:
            if name in raw:
                problems.append(f"{name} is damaged: {error}")
            else:
                problems.append(f"{name} cannot be read ({error})")
    if "config.json" in valid and "metrics.json" in valid:
        try:
            check_together(valid["config.json"], valid["metrics.json"])
        except ValueError as error:
            problems.append(f"metrics.json does not match config.json: {error}")
            del valid["metrics.json"]
    return raw, valid, problems
