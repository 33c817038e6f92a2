from django.conf import settings

from . import rules, selectors


def service(request):
    """What the base layout needs: service name, partnership, navigation for the user's roles."""
    user = getattr(request, "user", None)
    partnership = getattr(request, "partnership", None)
    signed_in = bool(user and user.is_authenticated)
    # Before the second step of signing in, only "Sign out" is offered.
    verified = signed_in and getattr(user, "is_verified", lambda: False)()
    return {
        "service_name": settings.SERVICE_NAME,
        "current_partnership": partnership,
        "navigation": selectors.navigation_for(user, partnership) if verified else [],
        "has_several_partnerships": verified
        and len(rules.partnership_ids_with_roles(user)) > 1,
    }
