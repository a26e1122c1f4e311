from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Verbatim"

    def ready(self) -> None:
        from articles.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
