"""Validation: the ODCS schema of each contract's apiVersion, then lint rules and the Dativo profile."""
