"""`python -m graph.cli`: the same command line as the `customs-graph` script."""

from graph.cli import main

main()
