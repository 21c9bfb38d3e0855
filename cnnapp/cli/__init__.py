"""`python -m cnnapp ...`: presets, train, runs, reproduce and classify on the command line."""

from cnnapp.cli.commands import dataset_ref, main

__all__ = ["dataset_ref", "main"]
