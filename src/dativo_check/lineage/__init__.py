"""Lineage: the graph contracts describe, OpenLineage export, run events, impact of a change."""
