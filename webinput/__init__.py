"""Untrusted web input, parsed in one place for every app.

- ``lists``: page, page size and sort order of every paginated list;
- ``search``: the bounds of a search box (length, number of words);
- ``fields``: form fields whose integers are checked before any query.

A library shared by the apps (like ``tabular``): it imports Django only.
"""
