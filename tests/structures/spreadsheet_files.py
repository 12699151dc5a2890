"""Build import files in every accepted format, as spreadsheet software writes them."""

import io

from openpyxl import Workbook

from tabular import ods_bytes


def csv_bytes(headers, rows, *, sep=";", encoding="utf-8-sig"):
    lines = [sep.join(headers), *(sep.join(str(v) for v in row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(headers, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_file_bytes(headers, rows):
    return ods_bytes(headers, rows)


def ods_with_repeated_cells(headers, row_values):
    """An ODS row where consecutive empty cells are one repeated cell (LibreOffice does this)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Feuille1")

    def add_row(values):
        row = TableRow()
        index = 0
        while index < len(values):
            if values[index] == "":
                run = 1
                while index + run < len(values) and values[index + run] == "":
                    run += 1
                row.addElement(TableCell(numbercolumnsrepeated=str(run)))
                index += run
                continue
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(values[index])))
            row.addElement(cell)
            index += 1
        row.addElement(TableCell(numbercolumnsrepeated="1000"))
        table.addElement(row)

    add_row(list(headers))
    add_row(list(row_values))
    table.addElement(TableRow(numberrowsrepeated="1048000"))
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
