from django.core.paginator import Paginator

PAGE_SIZE = 50


def page_of(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def posted(request):
    """The POST data of a form post (even an empty one, so it shows its errors), else None."""
    return request.POST if request.method == "POST" else None
