"""Who may do what: anyone reads; journalists annotate and correct; admins also upload and manage users.

Roles are groups holding permissions (created by migration 0004); views check them, templates only hide links.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

JOURNALIST = "journalist"
ADMIN = "admin"

# Permissions of journalists (app_label.codename). Admins hold every permission of the product and of users.
JOURNALIST_PERMISSIONS = [
    "articles.add_variantlabel",
    "articles.change_variantlabel",
    "articles.delete_variantlabel",
    "articles.change_quote",
    "articles.change_statement",
    "articles.add_statement",
    "articles.change_speaker",
    "articles.add_speakeralias",
    "articles.view_auditevent",
]


def can_annotate(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm("articles.add_variantlabel")


def can_upload(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm("articles.add_article")


def require(check: Callable[[AbstractBaseUser | AnonymousUser], bool]):
    """View decorator: 403 unless the user passes the check (anonymous users are sent to log in for GETs)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not check(request.user):
                if not request.user.is_authenticated and request.method == "GET":
                    from django.contrib.auth.views import redirect_to_login

                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
