"""Operators' tooling: provisioning communes from the template schema, seeding, imports."""
