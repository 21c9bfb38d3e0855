"""Real ImageNet weights (MobileNetV2, from ../shared/data/weights) name real bird photos.

Skipped, saying why, when the shared data folder is absent (a fresh clone has none of it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cnnapp.data.images import load_image, to_model_input

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
WEIGHTS = SHARED_DATA / "weights"
BIRDS = SHARED_DATA / "birds"
pytestmark = pytest.mark.skipif(
    not (WEIGHTS / "mobilenet_v2_imagenet.weights.h5").is_file() or not BIRDS.is_dir(),
    reason=f"real weights and bird photos not found in {SHARED_DATA} (only on the project's "
    "development machines)",
)


@pytest.fixture(scope="module")
def classifier():
    from cnnapp.inspect.classify import imagenet_classifier

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CNNAPP_WEIGHTS_DIR", str(WEIGHTS))
        yield imagenet_classifier("mobilenet_v2")


def test_the_eagle_is_a_bald_eagle(classifier):
    top = classifier.top(load_image(BIRDS / "eagle.jpg"), k=3)
    assert top[0]["label"] == "bald_eagle" and top[0]["index"] == 22


def test_the_chickadee_is_in_the_top_three(classifier):
    top = classifier.top(load_image(BIRDS / "chickadee.bmp"), k=3)
    assert "chickadee" in [entry["label"] for entry in top]


def test_at_least_50_of_the_59_imagenet_bird_samples(classifier):
    from cnnapp.inspect.classify import is_bird

    samples = sorted((BIRDS / "imagenet_samples").glob("*.jpg"))
    assert len(samples) == 59 and all(is_bird(int(p.name[:3])) for p in samples)
    right = [
        p.name for p in samples if classifier.top(load_image(p), 1)[0]["index"] == int(p.name[:3])
    ]
    assert len(right) >= 50, f"only {len(right)} of 59 right"  # 53 measured


def test_grad_cam_of_the_eagle(classifier):
    from cnnapp.inspect.explain import grad_cam

    image = to_model_input(load_image(BIRDS / "eagle.jpg"), (224, 224))[0]
    cam = grad_cam(classifier.model, image)
    assert cam.class_index == 22 and cam.layer == "out_relu"
    assert cam.heatmap.shape == (224, 224)
    # The eagle stands in the middle of the photo: the map is hotter there than at the edges.
    assert cam.heatmap[56:168, 56:168].mean() > cam.heatmap[:, :28].mean()
