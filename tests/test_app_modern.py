"""The modern preset end to end: a short training with its recipe, the saved run, the CLI, Train.

The training runs on the procedural dataset (tiny), in this process, through the training job.
"""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnnapp.cli.main import build_parser
from cnnapp.cli.train import config_from, preprocessing_from
from cnnapp.jobs.local import LocalExecutor
from cnnapp.nets.presets import get_preset, preset_recipe
from cnnapp.nets.whitening import whitening_kernel
from cnnapp.runs import RunStore
from cnnapp.training import make_job_spec, run_job
from cnnapp.training.scoring import accuracy, predict_probabilities
from ui import resources

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ME = "0123456789abcdef" * 2
TINY = {"name": "procedural", "limit": 300}


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_a_short_training_with_the_recipe_lowers_the_loss_and_the_run_reloads():
    from cnnapp.data import load_dataset, split_validation

    recipe = preset_recipe("modern")
    config = {**recipe["train"], "epochs": 3, "batch_size": 64}  # tiny data: smaller batches
    spec = make_job_spec(get_preset("modern"), TINY, recipe["preprocessing"], config, label="m")
    events = []
    result = run_job(spec, events.append, lambda: False)
    assert result["status"] == "completed"
    losses = [e["logs"]["loss"] for e in events if e["type"] == "epoch"]
    assert len(losses) == 3 and losses[-1] < losses[0]  # the loss falls

    store = RunStore()
    run = store.get(result["run_id"])
    assert run.status == "ok"
    assert run.config["train"]["label_smoothing"] == 0.2 and run.config["train"]["tta_flip"]
    assert run.config["preprocessing"]["translation_fill"] == "reflect"
    model = store.load_model(result["run_id"])  # the registered Whitening layer loads

    # The saved kernel is the one computed from the training part (after the validation split),
    # as the layer receives it: rescaled and normalised, not augmented.
    import keras

    dataset = load_dataset(TINY)
    x_part = split_validation(dataset.x_train, dataset.y_train, 0.1)[0]
    whitening = model.get_layer("l01_whitening")
    received = keras.Model(model.inputs, whitening.input).predict(x_part, verbose=0)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(whitening.kernel), whitening_kernel(received, 2, 5e-4), atol=1e-3
    )
    # It classifies raw images, and its test accuracy (with TTA flip) is the saved one.
    probabilities = predict_probabilities(model, dataset.x_test, tta_flip=True)
    assert accuracy(probabilities, dataset.y_test) == pytest.approx(run.metrics["test_accuracy"])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    # Classify uses the run's test-time flip too: a photo scores as the mean with its mirror.
    from PIL import Image

    from cnnapp.inspect.classify import run_classifier

    classifier = run_classifier(result["run_id"])
    assert classifier.tta_flip
    photo = dataset.x_test[0]
    expected = predict_probabilities(model, photo[None], tta_flip=True)[0]
    got = classifier.probabilities(Image.fromarray(photo))
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_the_cli_starts_from_the_presets_recipe_and_flags_override_it(capsys):
    from cnnapp.cli.main import main

    assert main(["code", "--preset", "modern", "--epochs", "3"]) == 0
    script = capsys.readouterr().out
    assert "EPOCHS = 3" in script and "BATCH_SIZE = 1024" in script and "CosineDecay(" in script
    assert "fit_whitening(model, x_train)" in script and "LABEL_SMOOTHING = 0.2" in script
    parser = build_parser()
    recipe = preset_recipe("modern")
    args = parser.parse_args(["train", "--preset", "modern"])
    config = config_from(args, recipe["train"])
    pre = preprocessing_from(args, recipe["preprocessing"])
    assert (config.label_smoothing, config.tta_flip, config.batch_size) == (0.2, True, 1024)
    assert config.schedule == "warmup_cosine" and config.momentum == 0.85
    assert pre.translation_fill == "reflect" and pre.horizontal_flip and pre.normalize
    argv = ["train", "--preset", "modern", "--epochs", "2", "--no-tta-flip", "--zoom", "0.1"]
    args = parser.parse_args([*argv, "--label-smoothing", "0"])
    config = config_from(args, recipe["train"])
    pre = preprocessing_from(args, recipe["preprocessing"])
    assert (config.epochs, config.tta_flip, config.label_smoothing) == (2, False, 0.0)
    assert config.batch_size == 1024 and pre.zoom_range == 0.1 and pre.horizontal_flip
    basenet = parser.parse_args(["train", "--preset", "basenet"])
    assert config_from(basenet, preset_recipe("basenet")["train"]) == config_from(basenet)
    assert config_from(basenet).label_smoothing == 0.0 and not preprocessing_from(basenet).augments


@pytest.fixture
def submitted(monkeypatch):
    """The job specs the pages submit, in order (nothing is trained)."""
    specs: list[dict] = []

    def record(self, spec, owner):
        specs.append(spec)
        return f"job{len(specs)}"

    monkeypatch.setattr(LocalExecutor, "submit", record)
    yield specs
    resources.shutdown_executor()


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_the_train_page_picks_the_presets_recipe(submitted):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": "en"})
    at.switch_page("pages/2_Build.py").run()
    assert not at.exception
    at.selectbox(key="w_build_preset_en").set_value("modern").run()
    assert not at.exception
    at.switch_page("pages/3_Train.py").run()
    assert not at.exception
    assert at.slider(key="w_train_label_smoothing").value == pytest.approx(0.2)
    assert at.checkbox(key="w_train_tta_flip").value
    assert at.number_input(key="w_train_batch_size").value == 1024
    assert at.selectbox(key="w_train_schedule_en").value == "warmup_cosine"
    assert at.selectbox(key="w_pre_translation_fill_en").value == "reflect"
    at.number_input(key="w_train_epochs").set_value(2).run()  # the user's change wins
    at.button(key="w_train_start").click().run()
    assert not at.exception and not at.error
    config, pre = submitted[-1]["config"], submitted[-1]["preprocessing"]
    assert config["epochs"] == 2 and config["label_smoothing"] == 0.2 and config["tta_flip"]
    assert config["learning_rate"] == 1.5 and pre["translation_fill"] == "reflect"
    assert submitted[-1]["network"][0]["type"] == "whitening"

    # A preset without a recipe keeps settings the user changed...
    at.switch_page("pages/2_Build.py").run()
    at.selectbox(key="w_build_preset_en").set_value("basenet").run()
    at.switch_page("pages/3_Train.py").run()
    assert at.number_input(key="w_train_epochs").value == 2
    # ... and leaving an untouched recipe brings the assignment's defaults back.
    at.switch_page("pages/2_Build.py").run()
    at.selectbox(key="w_build_preset_en").set_value("modern").run()
    at.selectbox(key="w_build_preset_en").set_value("mired_v1").run()
    assert not at.exception
    at.switch_page("pages/3_Train.py").run()
    assert at.number_input(key="w_train_learning_rate").value == pytest.approx(0.01)
    assert at.number_input(key="w_train_batch_size").value == 32
    assert not at.checkbox(key="w_train_tta_flip").value


def test_reproduce_shows_the_published_figure_beside_ours(submitted):
    from cnnapp import report
    from cnnapp.recipes import get_table

    table = get_table("modern")
    recipe = table.recipes[0]
    assert (recipe.preset, recipe.dataset, recipe.train.label_smoothing) == (
        "modern",
        "cifar10",
        0.2,
    )
    assert recipe.preprocessing.translation_fill == "reflect"
    ours = {recipe.id: {"test_accuracy": 0.91, "wall_time_s": 5400.0, "device": "CPU"}}
    rows = report.reproduce_rows(table, ours)
    assert rows[0]["test_accuracy.published"] == 0.94 and rows[0]["test_accuracy.ours"] == 0.91
    assert (rows[0]["time_s.published"], rows[0]["time_s.ours"]) == (3.83, 5400.0)
    assert (rows[0]["device.published"], rows[0]["device.ours"]) == ("NVIDIA A100", "CPU")
    markdown = report.to_markdown(rows, "en", columns=report.reproduce_columns(table))
    assert "Test acc. (published)" in markdown and "NVIDIA A100" in markdown
    assert "Acc. test (publicado)" in report.to_markdown(
        rows, "es", columns=report.reproduce_columns(table)
    )

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": "en"})
    at.switch_page("pages/5_Reproduce.py").run()
    at.selectbox(key="w_repro_table").set_value("modern").run()
    assert not at.exception
    frame = next(d.value for d in at.dataframe if "Modification" in d.value.columns)
    assert list(frame["Test accuracy (published)"]) == [0.94]
    assert list(frame["Time (s) (published)"]) == [3.83]
    assert list(frame["Device (published)"]) == ["NVIDIA A100"]
