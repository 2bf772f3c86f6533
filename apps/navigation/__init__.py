"""One navigation per role, built from what each service registers.

A service declares its menu entries in a ``menu.py`` module of its own app (a list named
``ENTRIES``); this package finds those modules once, at the first page rendered, and nothing
here names a service. A new service therefore appears in the menus of the roles it serves, on
the right host, by adding that one file.
"""
