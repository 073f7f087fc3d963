"""``python -m sparkus``: the same as the ``sparkus`` command."""

import sys

from sparkus.cli import main

if __name__ == "__main__":
    sys.exit(main())
