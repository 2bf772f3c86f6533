"""What every API class of every app shares: the caller check, the error schema, pagination.

A plain package (no models, no URLs), so that shared services such as attachments can
offer API classes without importing the feature endpoints of ``apps.api``.
"""
