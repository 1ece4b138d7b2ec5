"""``python -m theorygraph`` runs the command line."""

from .cli import main

main(prog_name="theorygraph")
