"""Hostile or odd dataset archives: refused with a clear message or handled; nothing escapes."""

import io
import os
import stat
import zipfile

import numpy as np
import pytest
from PIL import Image

from cnnapp.data import load_dataset


def _png(color=(200, 30, 30), size=(12, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _load(path):
    return load_dataset({"name": "folder", "path": str(path), "image_size": 8})


def test_parent_and_absolute_paths_are_refused_and_nothing_is_written(tmp_path):
    for evil in ("../evil.png", "/etc/evil.png", "cats/../../evil.png"):
        archive = _zip(tmp_path / "evil.zip", {"cats/a.png": _png(), evil: _png()})
        with pytest.raises(ValueError, match="unsafe member"):
            _load(archive)
    assert not (tmp_path.parent / "evil.png").exists()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("cats/a.png", _png())
        z.writestr("dogs/b.png", b"\0" * 50_000_000)  # 50 MB of zeros packs to ~50 KB
    assert archive.stat().st_size < 200_000
    with pytest.raises(ValueError, match="zip bomb"):
        _load(archive)


def test_symlinks_are_never_followed(tmp_path):
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("cats/a.png", "dogs/b.png"):
            z.writestr(name, _png())
        link = zipfile.ZipInfo("dogs/passwd.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
    dataset = _load(archive)
    assert len(dataset.x_train) == 2
    folder = tmp_path / "folder"
    for name, color in (("cats", (250, 0, 0)), ("dogs", (0, 0, 250))):
        (folder / name).mkdir(parents=True)
        (folder / name / "x.png").write_bytes(_png(color))
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png((0, 250, 0)))
    os.symlink(secret, folder / "cats" / "link.png")
    dataset = _load(folder)
    assert len(dataset.x_train) == 2  # the link to a file outside is not read
    assert not (dataset.x_train[..., 1] > 200).any()


def test_nested_archives_and_other_files_are_skipped_and_counted(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("x/y.png", _png())
    archive = _zip(
        tmp_path / "nested.zip",
        {
            "cats/a.png": _png(),
            "dogs/b.png": _png(),
            "dogs/more.zip": inner.getvalue(),
            "cats/notes.txt": b"hi",
        },
    )
    dataset = _load(archive)
    assert len(dataset.x_train) == 2 and dataset.skipped == 2


def test_unicode_class_names(tmp_path):
    archive = _zip(
        tmp_path / "unicode.zip",
        {"pájaro/a.png": _png(), "ñandú/b.png": _png(), "鳥/c.png": _png()},
    )
    dataset = _load(archive)
    assert dataset.class_names == sorted(["pájaro", "ñandú", "鳥"])
    assert sorted(np.bincount(dataset.y_train)) == [1, 1, 1]


def test_one_class_only_and_an_empty_archive_say_what_is_needed(tmp_path):
    with pytest.raises(ValueError, match="class"):
        _load(_zip(tmp_path / "one.zip", {"cats/a.png": _png(), "cats/b.png": _png()}))
    with pytest.raises(ValueError, match="class folders"):
        _load(_zip(tmp_path / "empty.zip", {}))


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    fake = tmp_path / "photos.zip"
    fake.write_bytes(b"this is not a zip")
    with pytest.raises(ValueError, match="neither a folder nor a .zip"):
        _load(fake)


@pytest.mark.slow
def test_a_hundred_thousand_tiny_files(tmp_path):
    archive = tmp_path / "many.zip"
    blobs = [_png((i, 0, 0), (4, 4)) for i in range(0, 250, 50)]
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(100_000):
            z.writestr(f"class{i % 10}/{i}.png", blobs[i % len(blobs)])
    dataset = _load(archive)
    assert len(dataset.x_train) == 100_000 and dataset.x_test is None


def test_hidden_members_count_in_a_zips_declared_total(tmp_path, monkeypatch):
    from cnnapp.data import filetree

    monkeypatch.setattr(filetree, "MAX_TOTAL_BYTES", 10_000)
    archive = _zip(
        tmp_path / "hidden.zip",
        {"cats/a.png": _png(), "dogs/b.png": _png(), "__MACOSX/._pad": b"\0" * 20_000},
    )
    with pytest.raises(ValueError, match="would unpack to"):
        _load(archive)


def test_a_tar_declaring_too_much_is_refused_while_listing(tmp_path, monkeypatch):
    import tarfile

    from cnnapp.data import filetree
    from cnnapp.data.archives import Source

    monkeypatch.setattr(filetree, "MAX_TOTAL_BYTES", 10_000)
    path = tmp_path / "images.tgz"
    with tarfile.open(path, "w:gz") as archive:
        for i in range(3):
            info = tarfile.TarInfo(f"images/{i}.jpg")
            info.size = 6_000
            archive.addfile(info, io.BytesIO(b"\0" * info.size))
    with pytest.raises(ValueError, match="first 2 members declare"):
        Source(path)
    monkeypatch.setattr(filetree, "MAX_TOTAL_BYTES", 10**9)
    monkeypatch.setattr(filetree, "MAX_ENTRIES", 2)
    with pytest.raises(ValueError, match="more than 2 members"):
        Source(path)
