"""The shipped trivia question bank: one TOML file per category."""
