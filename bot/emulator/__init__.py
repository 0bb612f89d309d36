"""A local Discord-compatible server (REST + gateway) for tests and the playground."""
