"""The engine: what turns a registered figure into a page's live plot, its controls, its static
twins and its alt text, and a named number into text. It imports no content; content registers
with it (``registry.register``, ``figure.figure``, ``numbers.register``, ``scripts.register``).
"""
