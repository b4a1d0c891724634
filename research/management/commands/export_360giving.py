"""`manage.py export_360giving [--output FILE]`: the portfolio as a 360Giving JSON package."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from research.open_data.giving360 import skipped_projects, write_package


class _Unterminated:
    """Django's OutputWrapper adds a newline to every write unless told not to."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")


class Command(BaseCommand):
    help = (
        "Write every published research project as a 360Giving grant (JSON package, "
        "schema 1.4) to standard output or --output FILE. Projects without a grant "
        "reference, award amount, award date or institution are left out and listed "
        "on standard error. Grant ids are 360G-<GIVING360_PREFIX>-<grant reference>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, output=None, **options):
        if output:
            path = Path(output)
            tmp = path.with_name(path.name + ".part")
            try:
                with tmp.open("w", encoding="utf-8") as stream:
                    count = write_package(stream)
                tmp.replace(path)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise CommandError(f"Cannot write {path}: {exc.strerror or exc}") from exc
        else:
            count = write_package(_Unterminated(self.stdout))
        skipped = list(skipped_projects().values_list("title", flat=True))
        if skipped:
            self.stderr.write(
                f"Left out {len(skipped)} published project(s) without a grant reference, "
                "award amount, award date or institution:"
            )
            for title in skipped[:50]:
                self.stderr.write(f"  {title}")
            if len(skipped) > 50:
                self.stderr.write(f"  … and {len(skipped) - 50} more")
        if count == 0:
            self.stderr.write(
                "No grants were exported: the 360Giving schema needs at least one grant."
            )
        if output:
            self.stderr.write(f"Wrote {count} grant(s) to {output}.")
