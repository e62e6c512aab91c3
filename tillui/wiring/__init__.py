"""Building the services the screens use (settings, client, claims) from a config or the demo."""
