"""The commune's audit log: logins, failures, 2FA changes, imports, account changes."""
