"""`hoso datamodel [--output docs/data-model.md]`: write the data-model document."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from hoso.people.datamodel_doc import render


class Command(BaseCommand):
    help = "Sinh tài liệu mô hình dữ liệu (mục Mẫu 2C, nhóm dữ liệu NĐ 27 → bảng, trường)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args: object, output: Path | None, **opts: object) -> None:
        text = render() + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)
