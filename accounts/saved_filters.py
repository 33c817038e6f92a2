"""Filters that may hold a name are kept in the session, never in a URL (issue 15, ASVS
14.2.1): a URL stays in the browser's history, goes out in Referer headers and is written
to proxies' and servers' logs, and a child's or a relative's name must be in none of them.

A filter form is posted; the view keeps what was typed in the session under a random token
and redirects (303) to the page with only ``?filters=<token>``. Paging, reloading, the back
button and the downloads that follow the filters all work on that address while the session
lasts; the token means nothing to anyone else, on another page or after signing out.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

PARAM = "filters"
SESSION_KEY = "saved_filters"
KEEP = 20  # the session keeps the most recent searches only
_NOT_FILTERS = {"csrfmiddlewaretoken", "page", PARAM}


def filters_redirect(request: HttpRequest, *, scope: str, to: str) -> HttpResponseRedirect:
    """After a filter form's POST: keep what was posted, go to ``to`` with its token (or to
    ``to`` alone when nothing was entered). ``scope`` names the page (and record) the
    filters belong to, so a token is only ever read back by the page that made it."""
    data = {key: values for key, values in request.POST.lists() if key not in _NOT_FILTERS}
    if not any(value.strip() for values in data.values() for value in values):
        return HttpResponseRedirect(to, status=303)
    saved = request.session.get(SESSION_KEY, {})
    token = secrets.token_urlsafe(16)
    saved[token] = {"scope": scope, "data": data}
    request.session[SESSION_KEY] = dict(list(saved.items())[-KEEP:])
    return HttpResponseRedirect(f"{to}?{PARAM}={token}", status=303)


def filters_saved(request: HttpRequest, *, scope: str) -> QueryDict | None:
    """What was posted for the token in the address, or None: no token, or one this session
    does not hold for this page (signed out since, or another page's)."""
    token = request.GET.get(PARAM)
    saved = request.session.get(SESSION_KEY, {}).get(token) if token else None
    if saved is None or saved["scope"] != scope:
        return None
    data = QueryDict(mutable=True)
    for key, values in saved["data"].items():
        data.setlist(key, values)
    return data

