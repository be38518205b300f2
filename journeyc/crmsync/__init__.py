"""Import and drift: a workspace written from a CRM's configuration, and the map compared with it.

`imports` plans and writes the YAML of an import (as text journeyc controls),
`mapside` turns the workspace into the configuration each CRM would get,
`compare` finds the differences between two configurations (drift, and the
round-trip test of build output against an import), `drift` adds what a
person should do about each, and `report` renders it.
"""
