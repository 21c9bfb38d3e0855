"""bench/assignment35.py (section 3.5 in plain Keras, no cnnapp) and bench/section35.py."""

import ast
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench import assignment35, section35

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "assignment35.py"
COLOURS = {"red": (220, 20, 20), "green": (20, 200, 20), "blue": (20, 20, 220)}
LAST_LINE = re.compile(r"^assignment35 test_accuracy=(\d\.\d{3}) epochs=(\d+) seconds=(\d+)$")


def noisy_png(colour, rng, size=16) -> bytes:
    pixels = np.array(colour)[None, None, :] + rng.normal(0, 20, (size, size, 3))
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def class_zip(path: Path, split: str, per_class: int, seed: int = 0) -> Path:
    """`split/<colour>/NNN.png`: 16×16 images of one colour each (plus noise) per class."""
    rng = np.random.default_rng(seed)
    with zipfile.ZipFile(path, "w") as archive:
        for name, colour in COLOURS.items():
            for i in range(per_class):
                archive.writestr(f"{split}/{name}/{i:03d}.png", noisy_png(colour, rng))
    return path


def test_the_script_imports_nothing_from_cnnapp():
    tree = ast.parse(SCRIPT.read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]  # fmt: skip
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported and not [name for name in imported if name.split(".")[0] == "cnnapp"]


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_it_trains_on_a_tiny_zip_and_prints_the_last_line(tmp_path):
    train = class_zip(tmp_path / "train.zip", "train", per_class=20)
    test = class_zip(tmp_path / "test.zip", "test", per_class=6, seed=1)
    args = ["--train", str(train), "--test", str(test), "--epochs", "2", "--size", "16"]
    # Run as a script, then list what it imported: cnnapp is importable here, yet never imported.
    code = (
        "import runpy, sys\n"
        f"sys.argv = [{str(SCRIPT)!r}, *{args!r}]\n"
        "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit as done:\n    assert not done.code, done.code\n"
        "print('cnnapp imported:', any(m.split('.')[0] == 'cnnapp' for m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "cnnapp imported: False"
    match = LAST_LINE.match(lines[-2])
    assert match, lines[-2]
    assert 0.0 <= float(match.group(1)) <= 1.0 and match.group(2) == "2"
    losses = [float(m) for m in re.findall(r" - loss: ([\d.]+)", done.stdout)]
    assert len(losses) == 2 and losses[1] < losses[0]  # it learns
    assert "54 training, 6 validation and 18 test images in 3 classes" in done.stdout


def test_the_network_is_the_engines_mired_bn_v3():
    from cnnapp.nets.build import build_model
    from cnnapp.nets.presets import get_preset

    plain = assignment35.make_model((32, 32, 3), 25)
    assert plain.count_params() == 1_911_065  # the assignment's table 8, with 25 classes
    engine = build_model(get_preset("mired_bn_v3"), (32, 32, 3), 25)
    assert plain.count_params() == engine.count_params()
    kinds = [
        type(layer).__name__ for layer in engine.layers if type(layer).__name__ != "InputLayer"
    ]
    assert [type(layer).__name__ for layer in plain.layers] == kinds
    assert len(kinds) == 26  # table 8's 25 rows, and Flatten


def test_balanced_takes_classes_in_turn_and_list_images_says_what_is_wrong(tmp_path):
    items = [("a", f"a/{i}.png") for i in range(5)] + [("b", f"b/{i}.png") for i in range(2)]
    chosen = assignment35.balanced(items, 5)
    assert [name for name, _ in chosen].count("b") == 2 and len(chosen) == 5
    assert assignment35.balanced(items, None) == items
    with pytest.raises(ValueError, match="neither a folder nor a .zip"):
        assignment35.list_images(tmp_path / "absent.zip")
    one = tmp_path / "one"
    (one / "cat").mkdir(parents=True)
    (one / "cat" / "1.png").write_bytes(noisy_png((1, 2, 3), np.random.default_rng(0)))
    with pytest.raises(ValueError, match="at least two class folders"):
        assignment35.list_images(one)


def test_flip_and_zoom_keep_the_image_and_zoom_out_about_the_centre():
    import tensorflow as tf

    ramp = np.tile(np.arange(9, dtype=np.float32), (9, 1))[None, :, :, None].repeat(3, axis=3)
    flipped = assignment35.flip_and_zoom(tf.constant(np.repeat(ramp, 64, axis=0)), 0.0).numpy()
    mirrored = [np.array_equal(img, ramp[0, :, ::-1]) for img in flipped]
    kept = [np.array_equal(img, ramp[0]) for img in flipped]
    assert all(m or k for m, k in zip(mirrored, kept, strict=True)) and 0 < sum(mirrored) < 64
    zoomed = assignment35.flip_and_zoom(tf.constant(np.repeat(ramp, 64, axis=0)), 0.2).numpy()
    centre = zoomed[:, :, 4, 0]
    assert np.allclose(centre, 4.0)  # the centre column stays put
    assert zoomed.min() >= 0 and zoomed.max() <= 8  # edges filled from the nearest pixel
    assert not all(np.array_equal(img, ramp[0]) or np.array_equal(img, ramp[0, :, ::-1])
                   for img in zoomed)  # fmt: skip


def test_section35_writes_a_balanced_subset_and_reads_both_last_lines(tmp_path):
    train = class_zip(tmp_path / "train.zip", "train", per_class=10)
    subset = section35.subset_zip(train, 12, tmp_path)
    names = zipfile.ZipFile(subset).namelist()
    assert len(names) == 12 and {n.split("/")[1] for n in names} == set(COLOURS)
    assert all(n.startswith("train/") for n in names)
    plain = ["test accuracy 0.4567", "assignment35 test_accuracy=0.457 epochs=7 seconds=12"]
    assert section35.plain_figures(plain) == {"test_accuracy": 0.4567, "epochs": 7}
    assert section35.plain_figures(["Traceback ..."]) is None
    metrics = {"test_accuracy": 0.5, "epochs_run": 9, "early_stopped_epoch": 9}
    result = {"state": "completed", "run_id": "r1", "metrics": metrics}
    figures = section35.cnnapp_figures(["progress", json.dumps(result)])
    assert figures["test_accuracy"] == 0.5 and figures["epochs"] == 9
    assert section35.cnnapp_figures([json.dumps({"state": "failed", "metrics": {}})]) is None
    lines = section35.summary(figures, {"test_accuracy": 0.46, "epochs": 7}, 100.4, 80.6)
    assert lines[-1] == "section35 cnnapp=0.500 plain=0.460 diff=0.040 cnnapp_s=100 plain_s=81"
    assert "OUTSIDE" in lines[-2]


@pytest.mark.slow  # two trainings, about a minute
def test_section35_runs_both_on_the_same_images(tmp_path):
    train = class_zip(tmp_path / "train.zip", "train", per_class=20)
    test = class_zip(tmp_path / "test.zip", "test", per_class=6, seed=1)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "section35.py"), "--train", str(train),
         "--test", str(test), "--images", "45", "--epochs", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    match = re.match(
        r"^section35 cnnapp=(\d\.\d{3}) plain=(\d\.\d{3}) diff=(-?\d\.\d{3}) cnnapp_s=\d+ "
        r"plain_s=\d+$",
        last,
    )
    assert match, last
    cnnapp, plain, diff = map(float, match.groups())
    assert abs(round(cnnapp - plain, 3) - diff) <= 0.0015
    assert "41 training, 4 validation and 18 test images" in done.stdout  # 45 of 60 images
