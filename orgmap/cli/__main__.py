"""``python -m orgmap.cli`` runs the CLI (as ``python -m orgmap`` does)."""

from orgmap.cli import main

main()
