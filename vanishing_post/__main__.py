"""``python -m vanishing_post``: see ``vanishing_post.engine.cli``."""

from vanishing_post.engine.cli import main

raise SystemExit(main())
