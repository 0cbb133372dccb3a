"""The `cchc` console script: Django's management commands under one name.

`cchc migrate`, `cchc runserver`, `cchc demo`, `cchc deadline ...` are all
management commands; this only picks the settings module (dev by default).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cchc", *sys.argv[1:]])


if __name__ == "__main__":
    main()
