"""Implementation of crdtcore.testing (import that module, not this package)."""
