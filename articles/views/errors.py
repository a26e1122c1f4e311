"""Error pages in the product's look, with a reason a person can act on."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.uploads import LIMITS, human_size


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 handler. A form body over Django's parsing limit (a long paste) is refused before any view
    runs, so the upload form cannot say it: this page does, and names the limits."""
    if isinstance(exception, RequestDataTooBig):
        reason = (
            "What you sent is too large for a form. Paste at most "
            f"{human_size(LIMITS.max_pasted_bytes)} of text, or upload the article as a file "
            f"(up to {human_size(LIMITS.max_file_bytes)} each)."
        )
        return render(request, "400.html", {"title": "Too large", "reason": reason}, status=413)
    reason = "The request could not be understood."
    return render(request, "400.html", {"title": "Bad request", "reason": reason}, status=400)
