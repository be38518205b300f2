"""The cache for warm runs: what each file contributes before the rules run, kept by the file's content.

A warm `journeyc check` reads every file (it must know they did not change) but
loads and validates only those whose bytes it has not seen, and runs the local
rules (`journeyc.rules.LOCAL`) only on the journeys of those files, taking the
others' findings from their entries (`verdicts`); the model and the rules that
compare journeys run on the whole workspace every time, so a warm result is the
cold one. Entries are JSON (nothing read is ever executed), live outside the
workspace (see `location`) and are found by the digest of a file's bytes under
a key of everything else they depend on (see `key`).

Modules: `location` (where, on/off, clean), `key` (what an entry depends on),
`codec` (a file's part as JSON values), `verdicts` (the local rules' findings
about a journey file), `segments` (files of entries on disk), `store` (one
run's lookups and saves). Nothing is imported here: `journeyc check --no-cache`
pays for none of it.
"""
