"""Static guards: models load only from our run store; nothing uploaded is unpickled or executed;
the shipped config shows no tracebacks to the browser."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for d in ("cnnapp", "pages", "ui") for p in (ROOT / d).rglob("*.py")] + [
    ROOT / "app.py"
]


def _code_lines(path: Path):
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, line


def _uses(pattern: str) -> set[str]:
    regex = re.compile(pattern)
    return {
        str(path.relative_to(ROOT))
        for path in SOURCES
        for _, line in _code_lines(path)
        if regex.search(line)
        and not line.strip().startswith(('"', "'", 'f"', "f'"))  # code shown to students
    }


def test_models_are_loaded_only_by_the_run_store():
    assert _uses(r"(saving|models)\.load_model\(") == {"cnnapp/runs/store.py"}


def test_only_trusted_bytes_are_unpickled():
    # The CIFAR reader uses a restricted unpickler (trusted archive formats only); the executor
    # reads messages from its own worker processes through their private pipes.
    assert _uses(r"pickle\.loads?\(|Unpickler\(") <= {
        "cnnapp/jobs/spawn.py",
        "cnnapp/data/cifar_pickle.py",
    }
    assert _uses(r"pickle\.load\(") == set()


def test_no_eval_or_exec_of_anything():
    assert _uses(r"\beval\(|\bexec\(|__import__\(") == set()
    assert _uses(r"Lambda\(") == set()  # saved models load with safe_mode=True


def test_the_browser_never_sees_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] in ("none", False)
    assert _uses(r"st\.exception\(") == set()
    assert _uses(r"\.traceback\b") <= {
        "cnnapp/jobs/record.py",
        "cnnapp/jobs/status.py",
        "cnnapp/jobs/worker.py",
    }
