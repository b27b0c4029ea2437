"""``python -m asso``."""

import sys

from asso.cli.main import main

sys.exit(main())
