"""discord.py extensions: thin adapters from Discord events to Hearth services."""
