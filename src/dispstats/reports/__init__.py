"""Outputs: the weekly PDF brief (brief/) with its charts and map, the Excel workbook
(excel.py and xlsx_*.py), HXL CSV and the Frictionless data package; the words of every
output (wording.py, i18n.py and the catalogs)."""
