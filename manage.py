#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings.dev")
    # Commands (migrations, imports, generate_projects) may run long statements; the
    # web processes keep the 5 s limit that turns a hung database into a 503.
    if sys.argv[1:2] != ["runserver"]:
        os.environ.setdefault("DB_STATEMENT_TIMEOUT_SECONDS", "0")

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
