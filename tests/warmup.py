"""What the warm-worker tests preload instead of Keras: a module whose import is seen, and a call."""

import os

CALLED_FILE_ENV = "CNNAPP_TEST_WARMUP_FILE"  # where `touch` writes this process's id


def touch() -> None:
    """Writes this process's id to the file named by CNNAPP_TEST_WARMUP_FILE (if set)."""
    path = os.environ.get(CALLED_FILE_ENV)
    if path:
        with open(path, "a") as file:
            file.write(f"{os.getpid()}\n")
