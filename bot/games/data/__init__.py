"""Shipped game data (a package so that setuptools ships the files inside it)."""
