"""`python -m cnnapp ...`: presets, train, runs, reproduce and classify on the command line.

| module | owns |
| --- | --- |
| `main` | the argument parser and `main(argv)` |
| `train` | `train`: dataset references from `--data`, the training flags, one job |
| `results` | `presets` (layer tables), `runs` (saved runs), `reproduce` (the assignment's tables) |
| `classify` | `classify IMAGE...` with a saved run or a pretrained ImageNet network |
| `output` | plain text tables and the live progress line |
"""

from cnnapp.cli.main import main
from cnnapp.cli.train import dataset_ref

__all__ = ["dataset_ref", "main"]
