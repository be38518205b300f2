"""Readers: a CRM's own files -> neutral CRM configuration, or plain tables (stage history).

One module per CRM (`hubspot`, `salesforce`, `pipedrive`), each the mirror of
an emitter: vendor JSON or XML in, `config.CrmConfig` out. They open files only
to read them, print nothing, and turn every malformed input into one
`ReadError` line naming the file and the place. `fetch` makes the read-only
HTTP GETs of a live fetch; `sources` tells which reader a path needs;
`history` reads stage-history exports for `journeyc funnel`.
"""
