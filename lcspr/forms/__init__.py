"""Forms for the LCSPR pages, one module per topic."""
