"""``python -m orgmap`` runs the CLI."""

from orgmap.cli import main

main()
