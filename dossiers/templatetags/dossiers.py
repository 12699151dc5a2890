"""``{% load dossiers %}``: the documents list's rows (``dossiers.listing``)."""

from django import template

from ..listing import document_rows

register = template.Library()
register.filter("document_rows", document_rows)
