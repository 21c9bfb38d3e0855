"""Runs as code a student can take away: a runnable Keras 3 script, the Keras 2 version, a zip.

| module | owns |
| --- | --- |
| `settings` | `ScriptSettings`: what a script repeats, from a saved run or the Build page's choices |
| `layers` | one spec layer as the Keras call that makes it (Keras 3, or the assignment's Keras 2) |
| `data` | the script's data section: CIFAR from `keras.datasets`, folders and zips, the split |
| `model` | the script's preprocessing and network sections; `keras_code` for the Build page |
| `script` | `keras3_script`: the whole runnable Keras 3 file |
| `keras2` | `keras2_script`: the same run in the assignment's Keras 2 code (does not run on Keras 3) |
| `bundle` | `run_zip`: a saved run's files, TensorBoard logs and both scripts in one zip |

Everything here turns plain data into text or bytes; nothing imports Keras.
"""

from cnnapp.export.bundle import BundleError, run_members, run_zip, write_run_zip
from cnnapp.export.keras2 import keras2_script
from cnnapp.export.model import keras_code
from cnnapp.export.script import keras3_script
from cnnapp.export.settings import ScriptSettings, from_choices, from_run

__all__ = [
    "BundleError",
    "ScriptSettings",
    "from_choices",
    "from_run",
    "keras2_script",
    "keras3_script",
    "keras_code",
    "run_members",
    "run_zip",
    "write_run_zip",
]
