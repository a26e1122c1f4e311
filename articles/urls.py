from django.urls import path

from articles.views import api, pages, statements

urlpatterns = [
    path("", statements.statement_list, name="statement_list"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement_detail"),
    path("articles/<int:pk>/", pages.article_detail, name="article_detail"),
    path("speakers/<int:pk>/", pages.speaker_detail, name="speaker_detail"),
    path("outlets/<int:pk>/", pages.outlet_detail, name="outlet_detail"),
    path("api/statements/", api.statement_list, name="api_statement_list"),
    path("api/statements/<int:pk>/", api.statement_detail, name="api_statement_detail"),
]
