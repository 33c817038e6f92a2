"""Rapid review pages, one module per part of the review."""
