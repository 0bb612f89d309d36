"""Brains: the Brain protocol and its implementations (offline, OpenAI-compatible, Anthropic)."""
