"""Fast validators generated from schemas/ by fastjsonschema; `python -m journeyc.validators` rewrites them.

Generating them once (instead of compiling the schemas at every start) saves
~40 ms per run of `journeyc check`, which pre-commit runs on every commit. A
test fails when a schema changed and these were not regenerated.
"""
