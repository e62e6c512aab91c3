"""The till's configuration: settings model, layered loading, writing, secrets, `tillui config`.

Imports point one way: `settings` and `files` import nothing of tillui; `secrets` builds on them;
`layers` (reading a till's effective settings) on `secrets`; `writing` on `layers`; `command` on
all of them. This package file stays empty so that importing one module costs only that module.
"""
