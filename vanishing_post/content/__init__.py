"""This site's content: the maths, data and figures of its posts, registered with the engine as
each module named in conf.py's ``VG_CONTENT`` is imported."""
