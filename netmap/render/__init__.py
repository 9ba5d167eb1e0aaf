"""Renderers: the same results as terminal tables, JSON, HTML maps and reports."""
