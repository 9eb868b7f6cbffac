"""``python -m webapp.auth ...`` (see webapp.auth.cli)."""

import sys

from webapp.auth.cli import main

sys.exit(main())
