"""The ``number`` shortcode: a number the prose quotes, computed by vanishing_post at build time.

Thin on purpose, like the ``figure`` shortcode: look the quantity up by name and return
``(text, deps)``. The numbers are content's (``VG_CONTENT`` in conf.py registers them with
``vanishing_post.engine.numbers``, which formats them).
"""

from __future__ import annotations

import sys
from pathlib import Path

from nikola.plugin_categories import ShortcodePlugin

ROOT = Path(__file__).resolve().parents[2]


class NumberShortcode(ShortcodePlugin):
    """``{{% number NAME %}}``: the named quantity, computed and formatted for reading."""

    name = "number"

    def set_site(self, site):
        super().set_site(site)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from vanishing_post.engine import registry, sources
        from vanishing_post.engine.cache import unusable
        from vanishing_post.engine.files import note

        registry.load(site.config[registry.SETTING])
        # The Python the numbers come from, as one hash of it all (a deleted module must not
        # break the next build): editing it rebuilds the posts that quote them.
        folder = Path(site.config["CACHE_FOLDER"]) / "vg_numbers"
        made_from = folder / "package"
        try:
            note(made_from, sources.digest((".py",)))
        except OSError as error:
            problem = unusable(made_from, "written", error, folder, "number cache")
            raise SystemExit(f"ERROR: shortcode 'number': {problem}") from None
        self._deps = [str(made_from)]
        return None

    def handler(self, *names, site=None, data=None, lang=None, post=None, **params):
        from vanishing_post.engine.numbers import QuantityError, quantity_text

        where = f"shortcode 'number' in {post.source_path if post else 'a page'}"
        try:
            if len(names) != 1 or params:
                raise QuantityError(
                    f"give exactly one quantity name and nothing else, got {len(names)} "
                    f"name(s) and {len(params)} argument(s)"
                )
            text = quantity_text(names[0])
        except QuantityError as error:
            # An author's mistake: one line naming the post and what is allowed, a failed build.
            raise SystemExit(f"ERROR: {where}: {error}") from None
        return text, self._deps
