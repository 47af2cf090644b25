"""``python -m flake8_import_cost``."""

from flake8_import_cost.cli import main

raise SystemExit(main())
