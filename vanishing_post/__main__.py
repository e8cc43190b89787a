"""``python -m vanishing_post``: see ``vanishing_post.cli``."""

from vanishing_post.cli import main

raise SystemExit(main())
