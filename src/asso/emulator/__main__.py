"""``python -m asso.emulator``: run the IAM Identity Center emulator stand-alone."""

import sys

from asso.emulator.idc import main

sys.exit(main())
