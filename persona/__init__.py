"""Personas: the Persona model, its TOML loader and the shipped presets."""
