"""Test helpers shared by every app: factories, personas, the outsider-coverage registry."""
