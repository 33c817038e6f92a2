from django.conf import settings

from . import rules, selectors, session_limits


def service(request):
    """What the base layout needs: service name, partnership, navigation for the user's roles,
    and when the session ends."""
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
        # The timeout warning (templates/base.html, static/js/timeout_warning.mjs).
        "session_timeout": {"seconds_left": session_limits.seconds_left(request.session),
                            "warning": settings.SESSION_IDLE_WARNING} if signed_in else None,
    }
