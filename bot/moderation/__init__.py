"""Moderation: normalisation, lexicons, the input/output filter and its policy."""
