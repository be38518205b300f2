"""The language server: the workspace model kept in memory, recomputed where a change reaches, over pygls.

Only `server.py` (and `convert.py`) import pygls and lsprotocol; the rest
works on journeyc's own types, so the session can be driven without an
editor (the benchmark and the consistency tests do).
"""
