"""Subcommands beside the app itself (`serve`, `screenshots`) and the argument parsing they share."""
