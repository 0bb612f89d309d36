"""Content: jokes, stories, adventures and the small-talk corpus; data/ holds the banks."""
