"""Documents the rapid review generates, one module per document family."""
