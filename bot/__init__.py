"""Hearth: a warm, witty, honest Discord companion."""

__version__ = "0.1.0"
