"""The error of the writes about a commune's schools that a person started (an import, a new
school): one line in French for whoever asked, the operator's command or the web page."""


class SchoolDataError(Exception):
    """Bad input or a clash: one clear line for whoever asked; nothing was changed."""
