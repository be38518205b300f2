"""The files `journeyc init` writes, kept as package data (see journeyc/init.py)."""
