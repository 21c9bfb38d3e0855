"""The registered Keras layers that put a pretrained backbone inside a saved model.

Two layers, both registered with `keras.saving.register_keras_serializable`, so a saved model
loads with `safe_mode=True` (no `Lambda`) and takes raw 0-255 images:

- `BackboneInput`: scales, resizes to the backbone's input size and applies its
  `preprocess_input` ("caffe": RGB to BGR minus the ImageNet mean, for ResNet50; "tf": to
  [-1, 1], for MobileNetV2).
- `Backbone`: the `keras.applications` network without its top, called in inference mode
  (`training=False`), so its batch normalisation keeps ImageNet's statistics while it is
  fine-tuned (`train_batch_norm=True`, the assignment's protocol, passes `training` on instead,
  as Keras 2 did: the statistics then follow the training batches). Keras 3 passes the outer
  `training` flag to every layer of a functional model, overriding a `training=False` written
  when the model was built; a model of our own is the way to keep it (a `keras.Model` subclass,
  so code that walks nested models sees its layers).

This module imports Keras; `cnnapp.nets.backbones` (which does not) imports it when a model is built,
and `RunStore.load_model` before a model is loaded.
"""

from __future__ import annotations

import keras
from keras import ops

from cnnapp.nets.backbone_catalog import (
    BACKBONES,
    CAFFE_MEAN_BGR,
    PREPROCESS_MODES,
    set_trainable_blocks,
)

PACKAGE = "cnnapp"


def preprocess(x, mode: str):
    """The backbone's `preprocess_input` on float 0-255 RGB images `(batch, h, w, 3)`."""
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "caffe":
        bgr = ops.flip(x, axis=-1)
        return bgr - ops.convert_to_tensor(CAFFE_MEAN_BGR, dtype=x.dtype)
    raise ValueError(f"Unknown preprocess mode {mode!r}; expected 'caffe' or 'tf'.")


@keras.saving.register_keras_serializable(package=PACKAGE)
class BackboneInput(keras.layers.Layer):
    """Raw images to what a backbone expects: scale, resize, `preprocess_input`.

    Args:
        backbone: "resnet50" or "mobilenet_v2" (chooses the preprocessing).
        input_size: the square size the backbone sees; other sizes are resized (bilinear).
        scale: multiplies the input first: 1 for raw 0-255 images, 255 after `Rescaling(1/255)`.
    """

    def __init__(self, backbone: str, input_size: int, scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if backbone not in PREPROCESS_MODES:
            raise ValueError(
                f"Unknown backbone {backbone!r}; expected one of {sorted(PREPROCESS_MODES)}."
            )
        self.backbone = backbone
        self.input_size = int(input_size)
        self.scale = float(scale)

    def call(self, images):
        x = ops.cast(images, self.compute_dtype)
        if self.scale != 1.0:
            x = x * self.scale
        if tuple(x.shape[1:3]) != (self.input_size, self.input_size):
            x = ops.image.resize(x, (self.input_size, self.input_size), interpolation="bilinear")
        return preprocess(x, PREPROCESS_MODES[self.backbone])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.input_size, self.input_size, input_shape[-1])

    def get_config(self):
        return {
            **super().get_config(),
            "backbone": self.backbone,
            "input_size": self.input_size,
            "scale": self.scale,
        }


@keras.saving.register_keras_serializable(package=PACKAGE)
class Backbone(keras.Model):
    """A `keras.applications` network without its top, run in inference mode.

    Used as a layer: it is a `keras.Model` only so that nested-model walkers (FLOP estimates,
    `model.summary(expand_nested=True)`) see the network inside.

    The network is built with random weights (`weights=None`); pretrained weights are set
    afterwards (`cnnapp.nets.weights.load_pretrained`), and a saved model restores its own.

    Args:
        backbone: "resnet50" or "mobilenet_v2".
        input_size: square input size (at least 32).
        pooling: "avg" or "max": the feature map pooled to one vector of features.
        trainable_blocks: when set, only the top `trainable_blocks` blocks are trainable
            (the others frozen), provided the layer itself is trainable.
        train_batch_norm: False (ours): inference mode always; True (the assignment's
            protocol): in training the trainable batch norm layers use and update batch
            statistics, as Keras 2 did (frozen ones stay in inference mode).
    """

    def __init__(
        self,
        backbone: str,
        input_size: int = 224,
        pooling: str = "avg",
        trainable_blocks: int | None = None,
        train_batch_norm: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if backbone not in BACKBONES:
            raise ValueError(f"Unknown backbone {backbone!r}; expected one of {sorted(BACKBONES)}.")
        self.backbone = backbone
        self.input_size = int(input_size)
        self.pooling = pooling
        self.trainable_blocks = trainable_blocks
        self.train_batch_norm = bool(train_batch_norm)
        constructor = getattr(keras.applications, BACKBONES[backbone].constructor)
        self.network = constructor(
            include_top=False,
            weights=None,
            pooling=pooling,
            input_shape=(self.input_size, self.input_size, 3),
            name=backbone,
        )
        if trainable_blocks is not None:
            set_trainable_blocks(self.network, backbone, trainable_blocks)
        if not self.trainable:
            self.network.trainable = False

    def call(self, inputs, training=None):
        if self.train_batch_norm:  # the assignment's: batch norm follows the training batches
            return self.network(inputs, training=training)
        # Inference mode: batch norm keeps its moving statistics while fine-tuning.
        return self.network(inputs, training=False)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.network.output_shape[-1])

    def get_config(self):
        return {
            **super().get_config(),
            "backbone": self.backbone,
            "input_size": self.input_size,
            "pooling": self.pooling,
            "trainable_blocks": self.trainable_blocks,
            "train_batch_norm": self.train_batch_norm,
        }
