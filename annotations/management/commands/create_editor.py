"""``manage.py create_editor NAME``: production's first account.

A production install has no demo users (``load_demo`` refuses with DEBUG off), so somebody
has to exist before anyone can sign in. The first editor is also the install's administrator:
a superuser (the admin console, where the other reviewers and editors are created) in the
editor group (publishing, assigning). The password is asked twice on the terminal and checked
by the password validators, or, for scripted installs, read from the environment variable
``FACTCHECK_EDITOR_PASSWORD`` with ``--noinput``; it never appears on a command line.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from annotations.roles import EDITOR

PASSWORD_ENV = "FACTCHECK_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = "Create an editor who is also the administrator (superuser) of this install."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="for password resets")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_true",
            help=f"read the password from ${PASSWORD_ENV} instead of asking",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"].strip()
        if not username:
            raise CommandError("The username is empty.")
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"A user named {username!r} exists already; "
                f"`manage.py changepassword {username}` sets a new password."
            )
        candidate = User(username=username, email=options["email"])
        password = self._password(candidate, noinput=options["noinput"])
        with transaction.atomic():
            user = User.objects.create_superuser(
                username=username, email=options["email"], password=password
            )
            user.groups.add(Group.objects.get(name=EDITOR))
        self.stdout.write(
            f"Editor {username!r} created: sign in at /accounts/login/ (admin console: /admin/)."
        )

    def _password(self, user: User, *, noinput: bool) -> str:
        if noinput:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                raise CommandError(f"--noinput needs the password in ${PASSWORD_ENV}.")
            self._validate(password, user)
            return password
        for _ in range(3):
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords differ; try again.")
                continue
            try:
                self._validate(first, user)
            except CommandError as exc:
                self.stderr.write(str(exc))
                continue
            return first
        raise CommandError("No acceptable password after three tries; nothing was created.")

    @staticmethod
    def _validate(password: str, user: User) -> None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
