"""Who may do what: anyone reads; journalists annotate and correct; admins also upload and manage users.

Roles are groups holding permissions, created after every migrate (and after test flushes, which empty the
tables) by `ensure_roles`; views check them, templates only hide links.
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


def ensure_roles(**kwargs) -> None:
    """Create or complete the role groups (a post_migrate receiver: runs after permissions exist)."""
    from django.contrib.auth.models import Group, Permission

    journalists, _ = Group.objects.get_or_create(name=JOURNALIST)
    for code in JOURNALIST_PERMISSIONS:
        app_label, codename = code.split(".")
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission:
            journalists.permissions.add(permission)
    # Admins manage everything in the product and its users (through the Django admin too).
    admins, _ = Group.objects.get_or_create(name=ADMIN)
    admins.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["articles", "auth", "django_tasks_database"])
    )


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


def throttled_username(request, credentials: dict | None = None) -> str:
    """The name django-axes counts failed logins under: the username as typed, cut to the length a username
    can have and without NUL (axes stores it; PostgreSQL refuses a longer value or a NUL in the column)."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    return typed.replace("\x00", "")[:150]
