"""The files the till touches (config, secrets, log, journal, screenshots): one sentence for
every way such a file can fail, the same on every command and screen (see faults.py)."""
