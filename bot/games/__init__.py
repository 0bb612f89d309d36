"""Games: the trivia engine (question bank, answer judging, game state machine).

Nothing here imports discord.py; the trivia cog adapts these engines to Discord.
"""
