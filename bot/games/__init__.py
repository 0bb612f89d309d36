"""Games: trivia engine (no discord.py imports)."""
