from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("articles.urls")),
]

# A form body too large to parse is refused before any view runs: this page says why, in the product's look.
handler400 = "articles.views.errors.bad_request"
