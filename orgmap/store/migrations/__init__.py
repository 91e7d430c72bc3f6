"""migrations of the orgmap store (SQL files, package data)."""
