"""Response headers every page of the service carries, and the session's idle clock."""

import time

from django.conf import settings
from django.utils.cache import patch_cache_control

# When the session's idle clock was last moved on (seconds since the epoch), in the session.
REFRESHED_KEY = "_cc4c_refreshed"


class NoStoreMiddleware:
    """Every page and download is private to the person who asked for it, and no browser or
    proxy keeps a copy: most of them show a child's data, and one rule for all of them means
    none is missed (docs/access.md). Static files are served before this, and are cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
        if not {"private", "no-store"} <= directives:
            # Any public caching a view asked for is overruled, not merged with.
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, private=True, no_store=True)
        return response


class IdleSessionMiddleware:
    """A request moves its session's end SESSION_IDLE_MINUTES on, writing the session at most
    once every SESSION_REFRESH_SECONDS: writing it on every request cost every page a
    transaction. The end is counted from the last write, so a session never outlives
    SESSION_IDLE_MINUTES without a request; it may end up to SESSION_REFRESH_SECONDS sooner."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now  # marks it modified: SessionMiddleware saves it
        return response
