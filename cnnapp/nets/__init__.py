"""Networks as data: the layer-type registry, spec validation, model building, presets, backbones.

| module | owns |
| --- | --- |
| `registry` | `LayerType`, `Field`, `LAYER_TYPES` and `register` (imports none of its entries) |
| `layers` | Keras's own layer types (Conv2D, pooling, Dense, ...), registered on import |
| `backbones` | the pretrained "backbone" layer type (ResNet50, MobileNetV2), registered on import |
| `backbone_catalog` | facts about each backbone: parameters per block, preprocessing constants |
| `backbone_layers` | the registered Keras layers a saved backbone model holds (imports Keras) |
| `whitening` | the frozen "whitening" layer type, its kernel computed from the training patches |
| `whitening_layer` | the registered Keras layer a saved model with whitening holds (imports Keras) |
| `modern` | the `modern` preset (airbench's network) and its training recipe |
| `weights` | where ImageNet weights and the class index come from |
| `spec` | `normalize_spec`, `summarize` (shape inference and the layer table), JSON in and out |
| `table` | the layer table's columns and its cells as text, for the Build page and the CLI |
| `build` | `build_model`: a spec (plus preprocessing) as a Keras model |
| `presets` | every network of the assignment |

Importing this package fills the registry (the entry modules below) without importing Keras.
"""

# The entry modules register themselves; Keras's layers first, so the table keeps that order.
# isort: off
from cnnapp.nets import layers  # noqa: F401
from cnnapp.nets import backbones  # noqa: F401
from cnnapp.nets import whitening  # noqa: F401
# isort: on
