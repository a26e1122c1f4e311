from django.urls import path

from articles.views import statements

urlpatterns = [
    path("", statements.statement_list, name="statement_list"),
]
