"""Uploads: the size limit before anything is written, one file per content, pruning by owner."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from cnnapp.data import uploads
from cnnapp.data.uploads import (
    UploadTooLargeError,
    owner_upload_bytes,
    owner_uploads,
    prune_uploads,
    save_upload,
)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "data-cache" / "uploads"


@pytest.fixture
def clock(monkeypatch):
    """Each upload one second after the previous one, so "oldest" is well defined."""
    now = iter(range(1_000, 2_000))
    monkeypatch.setattr(uploads.time, "time", lambda: float(next(now)))


def test_an_upload_is_stored_under_its_hash_with_an_index(root, clock):
    data = b"PK fake zip " * 100
    path = save_upload(data, "../../evil name.zip", owner="alice")
    assert path == root / f"{hashlib.sha256(data).hexdigest()}.zip"
    assert path.read_bytes() == data
    index = json.loads((root / "index.json").read_text())
    assert index[path.stem] == {
        "size": len(data),
        "owners": {"alice": {"name": "../../evil name.zip", "at": 1000.0}},
    }
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == sorted(
        [path.name, "index.json"]
    )  # no temporary file is left behind


def test_the_same_file_is_kept_once_and_file_objects_work(root, clock):
    data = b"same content"
    first = save_upload(data, "a.zip", owner="alice")
    second = save_upload(io.BytesIO(data), "b.zip", owner="bob")
    assert first == second and len(list(root.glob("*.zip"))) == 1
    assert [u["name"] for u in owner_uploads("bob")] == ["b.zip"]
    assert owner_upload_bytes("alice") == owner_upload_bytes("bob") == len(data)
    assert owner_upload_bytes("carol") == 0


def test_an_upload_over_the_limit_is_refused_before_anything_is_written(root, monkeypatch):
    monkeypatch.setenv("CNNAPP_MAX_UPLOAD_BYTES", "200000")
    with pytest.raises(
        UploadTooLargeError, match="big.zip is 210,000 bytes, more than the 200,000"
    ):
        save_upload(b"x" * 210_000, "big.zip", owner="alice")
    assert not root.exists()
    with pytest.raises(ValueError, match=r"is 210\.0 MB, more than the 200\.0 MB allowed"):
        uploads.check_size(210 * 2**20, "dataset.zip", limit=200 * 2**20)


def test_a_file_object_that_understates_its_size_is_stopped_while_copying(root, monkeypatch):
    monkeypatch.setenv("CNNAPP_MAX_UPLOAD_BYTES", "1000")
    liar = io.BytesIO(b"x" * 5000)
    liar.size = 10  # as Streamlit's UploadedFile says
    with pytest.raises(UploadTooLargeError):
        save_upload(liar, "liar.zip", owner="alice")
    assert not list(root.glob("*.zip")) and not list(root.glob("*.part"))


def test_pruning_drops_the_owners_oldest_uploads_first(root, clock):
    old, middle, new = (save_upload(bytes([i]) * 100, f"{i}.zip", "alice") for i in range(3))
    assert prune_uploads("alice", keep_bytes=150) == [old, middle]
    assert not old.exists() and not middle.exists() and new.exists()
    assert owner_upload_bytes("alice") == 100
    assert prune_uploads("alice", keep_bytes=100) == []  # already within


def test_a_file_another_owner_still_uploaded_stays(root, clock):
    shared = save_upload(b"s" * 100, "shared.zip", "alice")
    save_upload(b"s" * 100, "mine-too.zip", "bob")
    save_upload(b"n" * 100, "newer.zip", "alice")
    assert prune_uploads("alice", keep_bytes=100) == [shared]
    assert shared.exists()  # bob's still
    assert owner_upload_bytes("alice") == 100 and owner_upload_bytes("bob") == 100
    assert prune_uploads("bob", keep_bytes=0) == [shared]
    assert not shared.exists()


def test_the_spared_upload_stays_and_runs_are_never_touched(root, clock, tmp_path):
    runs = tmp_path / "models" / "r1"
    runs.mkdir(parents=True)
    (runs / "model.keras").write_bytes(b"model")
    old = save_upload(b"o" * 100, "old.zip", "alice")
    current = save_upload(b"c" * 100, "current.zip", "alice")
    assert prune_uploads("alice", keep_bytes=0, spare=current) == [old]
    assert current.exists() and (runs / "model.keras").exists()
    with pytest.raises(ValueError, match="runs folder"):
        save_upload(b"x", "x.zip", "alice", root=tmp_path / "models")


def test_an_empty_owner_is_refused(root):
    with pytest.raises(ValueError, match="owner"):
        save_upload(b"x", "x.zip", owner="")
