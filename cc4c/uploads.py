"""The largest upload accepted, refused before any of it is read.

A request whose ``Content-Length`` is over ``UPLOAD_MAX_BYTES`` (a file and the form it came
with) is answered 413 with a page that says so and by how much, before Django reads a byte of
its body: memory and disk stay untouched however large the file. (A request with no
``Content-Length`` has an empty body to Django.) Files under the limit that are over
``FILE_UPLOAD_MAX_MEMORY_SIZE`` are spooled to a temporary file by Django, never held whole in
memory while they arrive. The TLS proxy's own limit is above this one, so the clear page is
the one people see.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

MB = 1024 * 1024


def megabytes(size):
    """A size as people read it: '50 MB', '73.4 MB'."""
    shown = f"{size / MB:.1f}".removesuffix(".0")
    return f"{shown} MB"


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class UploadLimitMiddleware:
    """Refuse a request body over UPLOAD_MAX_BYTES before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        size, limit = _content_length(request), settings.UPLOAD_MAX_BYTES
        if size > limit:
            back = request.META.get("HTTP_REFERER", "")
            safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
            context = {"size": megabytes(size), "limit": megabytes(limit)}
            context["back"] = back if safe else ""
            # The unread body is the server's to discard (WSGI leaves connections to it).
            return render(request, "upload_too_large.html", context, status=413)
        return self.get_response(request)
