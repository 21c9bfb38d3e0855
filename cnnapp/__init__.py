"""CNN Lab's engine: networks as data, datasets, training jobs and saved runs.

Nothing in this package imports Streamlit; Keras is imported lazily by the modules that build or
train models, so that listing presets or validating a network stays fast.
"""

__version__ = "0.1.0"
