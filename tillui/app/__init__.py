"""The application: `TillApp` (till_app.py) over its start-up (loading.py) and Ctrl+Q's answers
(quitting.py). A facade, so `from tillui.app import TillApp` reads as it always has."""

from tillui.app.till_app import CUSTOMER_SCREEN, TillApp

__all__ = ["CUSTOMER_SCREEN", "TillApp"]
