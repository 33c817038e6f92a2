from django.conf import settings

from . import rules, selectors


def service(request):
    """What the base layout needs: service name, partnership, navigation for the user's roles."""
    user = getattr(request, "user", None)
    partnership = getattr(request, "partnership", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "service_name": settings.SERVICE_NAME,
        "current_partnership": partnership,
        "navigation": selectors.navigation_for(user, partnership) if signed_in else [],
        "has_several_partnerships": signed_in
        and len(rules.partnership_ids_with_roles(user)) > 1,
    }
