"""Forms for the rapid review pages."""
