"""Apps installed in every commune's schema (TENANT_APPS)."""
