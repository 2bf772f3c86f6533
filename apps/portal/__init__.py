"""A commune's home page: the entry point of pupils, parents and staff."""
