"""dativo-check: keep Open Data Contract Standard contracts honest in code review."""

__version__ = "0.1.0"
