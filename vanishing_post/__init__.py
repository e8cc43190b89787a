"""vanishing_post: figures and numbers for a Nikola blog, computed by our own Python.

Two packages: ``engine`` (registration, parameters, rendering to Bokeh, embedding, static twins,
cache, command line) knows no post and no figure; ``content`` registers the site's figures,
numbers and page scripts with it. The site's ``conf.py`` names the content modules
(``VG_CONTENT``); the Nikola plugins (``plugins/``, outside the package) sit on top.
"""
