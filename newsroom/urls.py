from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# Sign-in pages, without password reset by mail: Verbatim sends no mail, so a reset form could only say "done"
# while nothing arrives. Admins set a forgotten password in the admin (Users → the user → change password).
accounts = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("", include("articles.urls")),
]

# A form body too large to parse is refused before any view runs: this page says why, in the product's look.
handler400 = "articles.views.errors.bad_request"
