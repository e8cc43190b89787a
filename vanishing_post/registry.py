"""Every registered figure by name: the one dict the embed helper and the command line look up.

Figures live in modules of their own (``figures``, and later sections' modules); this module
only joins their registries, so adding a section never touches the modules that look figures up.
"""

from __future__ import annotations

from vanishing_post.figures import FIGURES as POST_FIGURES
from vanishing_post.network_figures import FIGURES as NETWORK_FIGURES
from vanishing_post.params import FigureSpec

FIGURES: dict[str, FigureSpec] = {**POST_FIGURES, **NETWORK_FIGURES}
