"""The bundled example workbooks (one CSV folder each, with a README saying what netmap finds).

Installed as the package ``netmap.examples`` so that ``netmap demo`` works from a plain
``pip install``; :func:`netmap.demo.example_path` finds them.
"""
