"""Error pages in the product's look, with a reason a person can act on."""

import logging
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.uploads import current_limits, human_size

logger = logging.getLogger(__name__)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 handler. A form body over Django's parsing limit (a long paste) is refused before any view
    runs, so the upload form cannot say it: this page does, and names the limits."""
    if isinstance(exception, RequestDataTooBig):
        limits = current_limits()
        reason = (
            "What you sent is too large for a form. Paste at most "
            f"{human_size(limits.max_pasted_bytes)} of text, or upload the article as a file "
            f"(up to {human_size(limits.max_file_bytes)} each)."
        )
        return render(request, "400.html", {"title": "Too large", "reason": reason}, status=413)
    reason = "The request could not be understood."
    return render(request, "400.html", {"title": "Bad request", "reason": reason}, status=400)


class UnstorableValues:
    """A value the database cannot take, in a query or form that no form of ours validated (the admin's search
    and list filters, a forged choice of permission): a number past 64 bits (SQLite's driver raises
    OverflowError), a NUL character or an over-long value (PostgreSQL: DataError). It is the client's error:
    the 400 page, not a server error; logged, in case it is ours."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OverflowError | DataError):
            return None
        logger.warning("refused a value the database cannot take on %s: %s", request.path, exception)
        reason = (
            "A value in the request cannot be stored or searched for: too large, too long, or with a NUL."
        )
        return render(request, "400.html", {"title": "Bad request", "reason": reason}, status=400)
