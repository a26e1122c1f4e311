"""CSV that a spreadsheet opens as data: every CSV the product writes goes through here.

A cell that begins with = + - @ (or a tab or carriage return) is read by Excel, LibreOffice and Google Sheets
as a formula, so a quote, an outlet or a speaker name set by anyone could run one on a journalist's machine.
As the OWASP guidance on CSV injection says, such text cells get a leading single quote, which spreadsheets
show as text. Numbers are left alone.
"""

import csv
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows are made safe first."""

    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: list[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])


class SafeDictWriter(csv.DictWriter):
    """csv.DictWriter whose rows are made safe first."""

    def writerow(self, rowdict: Any) -> Any:
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Any) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)
