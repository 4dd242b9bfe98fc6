"""`python -m dispstats` runs the command line."""

from dispstats.cli import main

main()
