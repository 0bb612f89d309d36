"""Shipped persona presets (TOML files read through importlib.resources)."""
