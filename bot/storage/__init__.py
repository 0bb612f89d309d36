"""Storage: one aiosqlite database, numbered migrations, repositories that own all SQL."""
