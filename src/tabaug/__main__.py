"""``python -m tabaug``: the same as the ``tabaug`` command."""

from tabaug.cli import main

raise SystemExit(main())
