"""Learning dissemination and the seven-minute briefing (filled in by its own change)."""

urlpatterns: list = []
