"""The plan's downloads and the progress upload (filled in by its own change)."""

urlpatterns: list = []
