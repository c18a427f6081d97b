"""`python -m mailbot`: the same command line as the `mailbot` console script."""

from .cli import main

main()
