"""Training: one entry point to a job spec, one fit path for every job kind, scored runs saved.

| module | owns |
| --- | --- |
| `jobspec` | `make_job_spec`: (network, dataset, preprocessing, config) -> a job spec; decides its kind |
| `fit` | the one fit path: optimizer, compile, progress and early stopping -> `FitOutcome` |
| `progress` | the Keras callback that reports events and honours stop requests |
| `plan` | how a model trains fast: precision, where augmentation runs, `steps_per_execution` |
| `protocol` | the assignment's protocol (`TrainConfig.protocol`): what it changes, augmented validation |
| `scoring` | `RESULT_COLUMNS` (the assignment's columns) and `score` |
| `record` | the run record: `config.json`, run facts, saving to the run store |
| `train_job` | the training job (`kind: "train"`): `run_job`, `prepare_model`, starting weights |
| `features` | transfer learning's feature extractor and its on-disk feature cache, heads |
| `extract_job` | the feature-extractor job (`kind: "extract"`): `run_extract_job` |

Importing this package does not import Keras.
"""

from cnnapp.training.fit import FitOutcome, compile_model, fit, make_optimizer
from cnnapp.training.jobspec import is_feature_extractor, job_kind, make_job_spec
from cnnapp.training.scoring import RESULT_COLUMNS, score
from cnnapp.training.train_job import (
    PreparedModel,
    initial_weights,
    prepare_model,
    run_job,
    weights_fingerprint,
)

__all__ = [
    "RESULT_COLUMNS",
    "FitOutcome",
    "PreparedModel",
    "compile_model",
    "fit",
    "initial_weights",
    "is_feature_extractor",
    "job_kind",
    "make_job_spec",
    "make_optimizer",
    "prepare_model",
    "run_job",
    "score",
    "weights_fingerprint",
]
