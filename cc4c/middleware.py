"""Response headers every page of the service carries."""

from django.utils.cache import patch_cache_control


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
