"""Server folders: only paths inside the allowed roots, after symlinks and `..` are resolved."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cnnapp.data import filetree, load_dataset
from cnnapp.data.roots import DataPathError, allowed_roots, check_folder


@pytest.fixture
def root(tmp_path) -> Path:
    folder = tmp_path / "datasets"
    (folder / "pets" / "cats").mkdir(parents=True)
    return folder


def test_the_data_folder_is_the_default_root_and_home_is_added_at_a_desk(tmp_path, monkeypatch):
    monkeypatch.delenv("CNNAPP_DATA_ROOTS", raising=False)
    data_dir = (tmp_path / "data-cache").resolve()
    assert allowed_roots(desk_mode=False) == [data_dir]
    assert allowed_roots(desk_mode=True) == [data_dir, Path.home().resolve()]


def test_data_roots_replace_the_data_folder(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("CNNAPP_DATA_ROOTS", f"{a}{os.pathsep}{b}{os.pathsep}{a}")
    assert allowed_roots(desk_mode=False) == [a.resolve(), b.resolve()]


def test_inside_a_root_is_accepted_resolved(root):
    assert check_folder(root / "pets", [root]) == (root / "pets").resolve()
    assert check_folder(root, [root]) == root.resolve()
    assert check_folder(root / "not-yet", [root]) == (root / "not-yet").resolve()


def test_outside_every_root_is_refused_naming_the_path_and_the_roots(root):
    with pytest.raises(DataPathError, match="outside the folders") as refused:
        check_folder("/etc", [root])
    message = str(refused.value)
    assert "'/etc'" in message and str(root.resolve()) in message
    assert "passwd" not in message and "hosts" not in message  # nothing of /etc is listed
    assert isinstance(refused.value, ValueError)


def test_a_sibling_with_the_same_prefix_is_outside(root):
    (root.parent / "datasets-private").mkdir()
    with pytest.raises(DataPathError):
        check_folder(root.parent / "datasets-private", [root])


def test_dot_dot_cannot_climb_out(root):
    with pytest.raises(DataPathError, match="resolves to"):
        check_folder(f"{root}/pets/../../../etc", [root])
    assert check_folder(f"{root}/pets/../pets", [root]) == (root / "pets").resolve()


def test_a_symlink_inside_a_root_that_points_out_is_refused(root, tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (root / "escape").symlink_to(outside, target_is_directory=True)
    with pytest.raises(DataPathError, match=str(outside.resolve())):
        check_folder(root / "escape", [root])
    with pytest.raises(DataPathError):
        check_folder(root / "escape" / "deeper", [root])


def test_a_root_reached_through_a_symlink_still_counts(root, tmp_path):
    link = tmp_path / "link-to-datasets"
    link.symlink_to(root, target_is_directory=True)
    assert check_folder(link / "pets", [root]) == (root / "pets").resolve()


def test_an_empty_path_and_no_roots_are_refused(root):
    with pytest.raises(DataPathError, match="No dataset path"):
        check_folder("  ", [root])
    with pytest.raises(DataPathError, match=r"\(none\)"):
        check_folder(root, [])


def test_listing_a_huge_tree_stops_with_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(filetree, "MAX_ENTRIES", 50)
    for i in range(60):
        (tmp_path / "many" / f"class{i % 3}").mkdir(parents=True, exist_ok=True)
        (tmp_path / "many" / f"class{i % 3}" / f"{i}.png").write_bytes(b"x")
    with pytest.raises(ValueError, match="more than 50 files and folders") as stopped:
        load_dataset({"name": "folder", "path": str(tmp_path / "many")})
    assert "class0" not in str(stopped.value) and "0.png" not in str(stopped.value)


def test_no_error_lists_more_than_a_few_folder_names(tmp_path):
    for i in range(40):
        (tmp_path / "wrong" / f"folder{i:02d}").mkdir(parents=True)
        (tmp_path / "wrong" / f"folder{i:02d}" / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="at least two classes") as refused:
        load_dataset({"name": "folder", "path": str(tmp_path / "wrong")})
    message = str(refused.value)
    assert "folder09" in message and "folder10" not in message and "and 30 more" in message
