"""`python -m journeyc`: the same entry point as the console script."""

from journeyc.cli import console

if __name__ == "__main__":
    console()
