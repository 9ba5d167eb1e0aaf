"""``python -m netmap`` runs the command line."""

from netmap.cli import run

run()
