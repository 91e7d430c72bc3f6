"""Weak-supervision classification of pages, domains and organizations."""
