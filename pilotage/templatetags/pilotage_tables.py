"""``{% load pilotage_tables %}``: the objectives' table rows (pilotage.progress_tables)."""

from django import template

from pilotage import progress_tables

register = template.Library()
register.filter("objective_rows", progress_tables.objective_rows, is_safe=True)
register.filter("total_rows", progress_tables.total_rows, is_safe=True)
register.filter("share_rows", progress_tables.share_rows, is_safe=True)
