"""Checks of a till's set-up: the config, secrets, connections and journal, one verdict each."""
