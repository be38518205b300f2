"""`python -m journeyc`: the same entry point as the console script."""

from journeyc.cli import main

if __name__ == "__main__":
    main()
