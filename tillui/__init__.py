"""tillui: a keyboard-only till-side terminal app for Capillary Intouch loyalty customers."""

__version__ = "0.1.0"
