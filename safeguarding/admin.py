"""Safeguarding records are not registered in the Django admin: they are written only through services.py, never
edited or deleted (KCSIE), and read only through views that check the DSL team's role and audit the read."""
