"""Entry point of `python -m cnnapp`."""

import sys

from cnnapp.cli import main

if __name__ == "__main__":
    sys.exit(main())
