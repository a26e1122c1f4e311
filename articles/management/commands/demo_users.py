import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandParser

from articles.roles import ADMIN, JOURNALIST

DEMO_USERS = [("journalist", JOURNALIST, False), ("admin", ADMIN, True)]
# Passwords of the demo users this command created, for `make demo` to print on every start (readable by the
# owner only; the demo runs on loopback).
PASSWORDS = Path(settings.BASE_DIR) / "var" / "demo-users.json"


class Command(BaseCommand):
    help = (
        "Create the demo journalist and admin with generated passwords, and print how to log in as each "
        "(existing users are kept; their passwords are printed again when this command created them)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--passwords", type=Path, default=PASSWORDS, help="Where the passwords are kept.")

    def handle(self, *, passwords: Path, **options) -> None:
        known = json.loads(passwords.read_text()) if passwords.exists() else {}
        for username, role, staff in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                known[username] = secrets.token_urlsafe(12)
                user = User.objects.create_user(username=username, password=known[username], is_staff=staff)
                user.groups.add(Group.objects.get(name=role))
                self._keep(passwords, known)
            if known.get(username) and user.check_password(known[username]):
                self.stdout.write(
                    f"Log in as the demo {role}: username {username!r}, password {known[username]!r}"
                )
            else:
                self.stdout.write(
                    f"Demo {role} {username!r} exists with a password set elsewhere "
                    f"(`manage.py changepassword {username}` sets a new one)."
                )

    @staticmethod
    def _keep(path: Path, known: dict[str, str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.write_text(json.dumps(known))
