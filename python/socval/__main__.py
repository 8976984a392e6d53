"""``python -m socval ...``: the socval command line (see socval.cli)."""
from .cli import main

raise SystemExit(main())
