"""The studio's screens: widgets only; all work goes through `studio.core`."""
