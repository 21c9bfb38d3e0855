"""The data section of an exported Keras 3 script: the run's dataset, or `--data`, split as the run.

`data_section(settings)` returns `load_data(path)` and `split_validation` with what they need:
CIFAR from `keras.datasets` (the 25-class subset of CIFAR-100 kept as the run did), a folder or
`.zip` of class subfolders through `keras.utils.image_dataset_from_directory` (a zip is extracted
first, and refused if a member would land outside the folder), in the fixed order CNN Lab gives a
folder's images, so the same FIRST 10 % validate. A feature extractor's split takes the LAST part,
as `model.fit(validation_split=...)` did for it.
"""

from __future__ import annotations

import json
import textwrap

from cnnapp.data.cifar import SPECS as CIFAR_SPECS
from cnnapp.export.settings import BIRDS, CIFAR, ScriptSettings

FOLDER = r'''IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def extract_zip(path, folder):
    """Extracts a .zip into `folder`, refusing members that would land outside it."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts = pathlib.PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise SystemExit(
                    f"error: {path} holds the member {name!r}, an absolute path or one with "
                    "'..', which would be written outside the folder it is extracted to. Make "
                    "the zip again from the folder of class subfolders."
                )
        archive.extractall(folder)
    return pathlib.Path(folder)


def class_folders(root):
    """The folder whose subfolders are the classes, and the test split's folder (or None).

    Accepts <class>/..., train/<class>/... with an optional test/<class>/..., images/<class>/...
    (as Caltech-UCSD Birds), and single wrapper folders around them (photos.zip -> photos/...).
    """
    while True:
        entries = sorted(root.iterdir())
        folders = {
            p.name.lower(): p for p in entries if p.is_dir() and not p.name.startswith((".", "__"))
        }
        if "train" in folders:
            return folders["train"], folders.get("test")
        if "images" in folders and any(p.is_dir() for p in folders["images"].iterdir()):
            return folders["images"], None
        loose = any(p.is_file() and p.suffix.lower() in IMAGE_FORMATS for p in entries)
        inner = next(iter(folders.values()), None)
        if len(folders) != 1 or loose or not any(p.is_dir() for p in inner.iterdir()):
            return root, None
        root = inner


def read_folder(folder, class_names=None):
    """The images of a folder of class subfolders, resized, as uint8 arrays in file order."""
    try:
        data = keras.utils.image_dataset_from_directory(
            folder,
            labels="inferred",
            label_mode="int",
            class_names=class_names,
            color_mode="rgb",
            batch_size=256,
            image_size=(IMAGE_SIZE, IMAGE_SIZE),
            shuffle=False,
        )
    except ValueError as error:
        raise SystemExit(
            f"error: {folder}: {error} Expected one subfolder of images per class "
            "(cats/001.jpg, dogs/001.jpg, ...), or train/ and test/ folders of them."
        ) from None
    images, labels = [], []
    for batch, batch_labels in data.as_numpy_iterator():
        images.append(np.clip(np.round(batch), 0, 255).astype("uint8"))
        labels.append(batch_labels.astype("int64"))
    return np.concatenate(images), np.concatenate(labels), list(data.class_names)


def load_folder(path):
    """(x_train, y_train, x_test, y_test, class_names) from a folder or .zip of class folders."""
    path = pathlib.Path(path).expanduser()
    if not path.exists():
        raise SystemExit(
            f"error: --data {path} does not exist; give a folder (or .zip) with one subfolder "
            "of images per class."
        )
    with tempfile.TemporaryDirectory() as scratch:
        root = extract_zip(path, scratch) if path.suffix.lower() == ".zip" else path
        train_folder, test_folder = class_folders(root)
        x_train, y_train, class_names = read_folder(train_folder)
        x_test = y_test = None
        if test_folder is not None:
            x_test, y_test, _ = read_folder(test_folder, class_names)
    # A fixed shuffle (seed 0), as CNN Lab orders a folder's images: the first 10 % (the
    # validation part) then holds every class
    order = np.random.default_rng(0).permutation(len(x_train))
    x_train, y_train = x_train[order], y_train[order]
    if x_test is not None:
        order = np.random.default_rng(0).permutation(len(x_test))
        x_test, y_test = x_test[order], y_test[order]
    return x_train, y_train, x_test, y_test, class_names


'''

BALANCED = '''def balanced(labels, limit):
    """Indices of at most `limit` images, the classes taking turns, in the original order."""
    rank = np.zeros(len(labels), dtype="int64")
    for label in np.unique(labels):
        where = np.flatnonzero(labels == label)
        rank[where] = np.arange(len(where))  # 0 for each class's first image, 1, ...
    return np.sort(np.lexsort((np.arange(len(labels)), labels, rank))[:limit])


'''

RESIZE = '''def resize(images, size, chunk=1000):
    """Images resized to size x size (bicubic), as uint8, in chunks."""
    parts = []
    for start in range(0, len(images), chunk):
        part = images[start : start + chunk].astype("float32")
        part = keras.ops.image.resize(part, (size, size), interpolation="bicubic")
        parts.append(np.clip(np.round(keras.ops.convert_to_numpy(part)), 0, 255).astype("uint8"))
    return np.concatenate(parts)


'''


def _cifar(name: str) -> list[str]:
    spec = CIFAR_SPECS[name]
    call = 'load_data(label_mode="fine")' if spec.keras_module == "cifar100" else "load_data()"
    names = textwrap.wrap(", ".join(json.dumps(n) for n in spec.names), 95, break_on_hyphens=False)
    lines = ["CLASS_NAMES = [", *[f"    {part}" for part in names[:-1]], f"    {names[-1]},", "]"]
    lines += ["", "", "def load_cifar():"]
    lines += [
        f'    """{spec.title}: Keras downloads it once, into ~/.keras/datasets."""',
        f"    (x_train, y_train), (x_test, y_test) = keras.datasets.{spec.keras_module}.{call}",
        '    y_train, y_test = y_train.reshape(-1).astype("int64"), y_test.reshape(-1).astype("int64")',
    ]
    if name == "cifar100_25":
        lines += [
            f"    # The assignment's subset: labels 0-{spec.num_classes - 1} "
            f"({spec.names[0]} ... {spec.names[-1]}), in their order",
            f"    train, test = y_train < {spec.num_classes}, y_test < {spec.num_classes}",
            "    return x_train[train], y_train[train], x_test[test], y_test[test], CLASS_NAMES",
        ]
    else:
        lines.append("    return x_train, y_train, x_test, y_test, CLASS_NAMES")
    return [*lines, "", ""]


def needs_data_message(settings: ScriptSettings) -> str:
    """What `--data` must be when the script cannot fetch the run's dataset itself."""
    name = settings.dataset["name"]
    what = "a folder (or .zip) with one subfolder of images per class"
    if name == "procedural":
        return (
            f"this run trained on {settings.data_name}, which only CNN Lab draws: give --data, "
            f"{what} (train/ and test/ folders of them for a test split)."
        )
    if name in BIRDS:
        return (
            f"this run trained on {settings.data_name}: give --data, {what}: the images/ folder "
            "of the birds' archive, or train/ and test/ folders of species subfolders for the "
            "official split."
        )
    return f"this run trained on {settings.data_name}: give --data, {what}."


def _load_data(settings: ScriptSettings) -> list[str]:
    ref = settings.dataset
    lines = [
        "def load_data(path=None):",
        '    """(x, y, x_test, y_test, class_names): uint8 images, int64 labels; no test: None."""',
    ]
    if ref["name"] in CIFAR:
        lines.append("    data = load_cifar() if path is None else load_folder(path)")
    else:
        message = textwrap.wrap("error: " + needs_data_message(settings), 80)
        lines += [
            "    if path is None:",
            "        raise SystemExit(",
            *[
                f"            {part + (' ' if i < len(message) - 1 else '')!r}"
                for i, part in enumerate(message)
            ],
            "        )",
            "    data = load_folder(path)",
        ]
    lines.append("    x, y, x_test, y_test, class_names = data")
    if ref["limit"]:
        lines += [
            f"    # The run used at most {ref['limit']:,} training images (and a quarter as many"
            " test images), class-balanced",
            "    keep = balanced(y, LIMIT)",
            "    x, y = x[keep], y[keep]",
            "    if x_test is not None:",
            "        keep = balanced(y_test, max(1, LIMIT // 4))",
            "        x_test, y_test = x_test[keep], y_test[keep]",
        ]
    if ref["name"] in CIFAR and ref["image_size"] != 32:
        lines += [
            "    if x.shape[1:3] != (IMAGE_SIZE, IMAGE_SIZE):",
            "        x, x_test = resize(x, IMAGE_SIZE), resize(x_test, IMAGE_SIZE)",
        ]
    return [*lines, "    return x, y, x_test, y_test, class_names", "", ""]


def _split(kind: str) -> list[str]:
    if kind == "extract":
        return [
            "def split_validation(x, y, fraction):",
            '    """(x_train, y_train, x_val, y_val): the LAST `fraction` validates, as',
            "    model.fit(features, labels, validation_split=0.1) took it in the assignment's",
            '    section 4."""',
            "    split_at = math.floor(len(x) * (1 - fraction)) if fraction else len(x)",
            "    return x[:split_at], y[:split_at], x[split_at:], y[split_at:]",
            "",
            "",
        ]
    return [
        "def split_validation(x, y, fraction):",
        '    """(x_train, y_train, x_val, y_val): the FIRST `fraction` of the images validate, as',
        '    ImageDataGenerator(validation_split=0.1) took them in the assignment."""',
        "    n_val = int(len(x) * fraction)",
        "    return x[n_val:], y[n_val:], x[:n_val], y[:n_val]",
        "",
        "",
    ]


def data_section(settings: ScriptSettings) -> list[str]:
    """`load_data(path)`, `split_validation(...)` and the helpers they use."""
    ref = settings.dataset
    lines = FOLDER.splitlines()
    if ref["name"] in CIFAR:
        lines += _cifar(ref["name"])
    if ref["limit"]:
        lines += BALANCED.splitlines()
    if ref["name"] in CIFAR and ref["image_size"] != 32:
        lines += RESIZE.splitlines()
    return lines + _load_data(settings) + _split(settings.kind)
