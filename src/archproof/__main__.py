"""`python -m archproof …` runs the command-line tool (the same as the `archproof` script)."""

from archproof.cli.app import main

main()
