"""orgmap: the thin top layer (CLI, settings, pipeline) over resolver, graph and classifiers."""

__version__ = "0.1.0"
