"""``python -m workbench ...``: the headless command line, where Qt may not be installed."""

import sys

from workbench.cli import main

sys.exit(main())
