"""Rich text, one service for every feature: the allow-list sanitiser (``sanitise.py``), the
registry of the fields that hold rich text (``registry.py``) and the ``|rich_text`` template
filter (``filters.py``). The editor is ``static/js/rich-text.js`` (Trix). No tables."""
