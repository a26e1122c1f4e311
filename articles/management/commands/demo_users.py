import secrets

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

from articles.roles import ADMIN, JOURNALIST

DEMO_USERS = [("journalist", JOURNALIST, False), ("admin", ADMIN, True)]


class Command(BaseCommand):
    help = "Create the demo journalist and admin with generated passwords, printed once (existing users are kept)."

    def handle(self, **options) -> None:
        for username, role, staff in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(
                    f"Demo user {username!r} already exists (password printed when it was created)."
                )
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username=username, password=password, is_staff=staff)
            user.groups.add(Group.objects.get(name=role))
            self.stdout.write(f"Demo {role}: username {username!r}, password {password!r}")
