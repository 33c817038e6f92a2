"""The health endpoint: public, JSON, no personal data."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import services


@login_not_required
@never_cache
@require_GET
def health(request):
    """200 when this web server can serve (database and broker answer), else 503.
    ``?worker`` also requires a recent worker heartbeat (for the worker and beat checks
    and monitoring; a load balancer should not take web servers out for a dead worker)."""
    healthy, report = services.health_report(require_worker="worker" in request.GET)
    return JsonResponse(report, status=200 if healthy else 503)
