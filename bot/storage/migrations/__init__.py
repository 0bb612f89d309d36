"""Numbered SQL migrations (NNNN_description.sql), shipped as package data.

This file makes the folder a package so that setuptools ships its .sql files and
importlib.resources can read them from an installed wheel.
"""
