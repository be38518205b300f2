"""journeyc: a linter and compiler for customer journeys kept as code."""

__version__ = "0.1.0"
