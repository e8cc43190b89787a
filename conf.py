"""Nikola configuration for vanishing-gradients.

Only what differs from Nikola's defaults is here, each with the reason.
"""

import os
from importlib.metadata import version

BLOG_AUTHOR = "The vanishing-gradients team"
BLOG_TITLE = "vanishing-gradients"
# Absolute address of the published site; feeds and og:image need it absolute.
SITE_URL = "https://vanishing-gradients.example.org/"
BLOG_EMAIL = "authors@vanishing-gradients.example.org"
BLOG_DESCRIPTION = "Why gradients vanish in deep networks, with plots you can change."

DEFAULT_LANG = "en"
TRANSLATIONS = {DEFAULT_LANG: ""}
NAVIGATION_LINKS = {
    DEFAULT_LANG: (
        ("/archive.html", "Archive"),
        ("/categories/", "Tags"),
        ("/rss.xml", "RSS feed"),
    ),
}

# Our own light theme (themes/vg, inheriting Nikola's base): one small stylesheet and no
# script, so a post weighs little more than its BokehJS. bootstrap4 added about 370 KB of
# CSS and jQuery our pages never use; bootblog4 loads Google Fonts from another origin.
THEME = "vg"
THEME_COLOR = "#4687b7"

POSTS = (
    ("posts/*.rst", "posts", "post.tmpl"),
    ("posts/*.md", "posts", "post.tmpl"),
)
PAGES = ()
COMPILERS = {"rest": (".rst", ".txt"), "markdown": (".md", ".mdown", ".markdown")}

# No comment system: Disqus and friends load scripts from other origins.
COMMENT_SYSTEM = ""
COMMENT_SYSTEM_ID = ""

# Index pages show teasers (up to ".. TEASER_END"), never live figures without BokehJS.
INDEX_TEASERS = True
# Feeds carry whole posts: a feed reader shows every figure as its static twin (an <img> with
# an absolute address; Nikola makes links absolute in feeds), with its alt text and caption.
FEED_TEASERS = False

TIMEZONE = "UTC"
LICENSE = ""
CONTENT_FOOTER = "Contents &copy; {date} {author}"
CONTENT_FOOTER_FORMATS = {DEFAULT_LANG: ((), {"date": "2026", "author": BLOG_AUTHOR})}

# No copies of the sources in output/: smaller site, and a failed build leaves nothing behind.
COPY_SOURCES = False
SHOW_SOURCELINK = False

# Every script and style from the site itself.
USE_CDN = False
USE_BUNDLES = False

# BokehJS served by the vg_bokehjs plugin, named by the installed bokeh's version; the page
# script of figures.tmpl fetches these, in order, once a figure comes near the window.
BOKEHJS = [f"bokeh-{version('bokeh')}.min.js"]
GLOBAL_CONTEXT = {"bokehjs": BOKEHJS}
# Templates that load BokehJS. A post that places a figure with any other template fails the
# build (its figures would never draw); add a template here only if it inherits figures.tmpl.
FIGURE_TEMPLATES = ["figures.tmpl"]

# Static twins (what readers without JavaScript, feeds, link previews and print see): each
# figure's own fragment drawn by BokehJS in headless Chromium and photographed
# (vanishing_post/twins.py), at the width the post's text column has on a desktop and on a
# phone: (window width, column width) in CSS pixels. themes/vg's column is 46rem with 1rem
# padding on each side. The twins are drawn with the site's own stylesheets.
VG_TWIN_WIDTHS = {"wide": (736, 704), "narrow": (375, 343)}
VG_TWIN_STYLESHEETS = ["themes/vg/assets/css/vg.css", "files/assets/css/figures.css"]

# The Content-Security-Policy a host should send with the pages (README, "Serving the site"):
# every script is a file of the site, none inline. Bokeh's CustomJS (the figures' controls)
# compiles its code ('unsafe-eval': without it those figures keep their twins); BokehJS sets
# inline styles and draws its icons from data: addresses. The tests' server sends it.
VG_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'"
)

# The content the engine (vanishing_post/engine) draws: modules that register figures, named
# numbers and page scripts as they are imported, the way plug-ins do. A new section is a new
# module here; the engine imports none of them by name.
VG_CONTENT = [
    "vanishing_post.content.figures",
    "vanishing_post.content.network_figures",
    "vanishing_post.content.quantities",
    "vanishing_post.content.weight_figures",
]

# Our own plugins (plugins/) and templates (templates/) live beside this file.
FAVICONS = (("icon", "/favicon.svg", "any"),)

# Draw the figures (the default), or leave an empty placeholder for each: `make bench` builds
# the bare site this way (VG_FIGURES=off) to measure the floor a build cannot go below.
# Drawn figures are cached in cache/vg_figures/ (vanishing_post/cache.py), so a rebuild after a
# prose edit draws none again.
VG_FIGURES = os.environ.get("VG_FIGURES", "on") != "off"

# The longest a build waits for one figure to be made or its twins drawn, in seconds: a
# figure whose code never returns then stops the build with one line naming it.
VG_DRAW_WAIT_S = 300

# The longest a `nikola build` waits for another build in this folder (`make serve`
# rebuilding) before it stops with one line, in seconds (plugins/vg_lock).
VG_BUILD_WAIT_S = 600
