"""Answer the health check before anything that needs the request's host."""

from . import views

HEALTH_PATH = "/health/"


class HealthCheckMiddleware:
    """Before the host checks (only the CSP header's middleware is earlier, so the answer
    carries the policy too): the HTTPS redirect and ALLOWED_HOSTS would refuse compose's and
    a load balancer's plain-HTTP check by IP address. The answer holds no personal data
    and builds no URL from the Host header, so skipping those checks here is safe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH:
            return views.health(request)
        return self.get_response(request)
