"""A schema made by provisioning is identical to one built by running every migration."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from provisioning.services import provision_commune
from tenants.db import use_public_schema

CATALOG_QUERIES = {
    "relations": """
        SELECT c.relname, c.relkind, c.relpersistence
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s ORDER BY 1""",
    "columns": """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
               -- position among live columns (a dropped column leaves a hole in attnum)
               row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
               coalesce(co.collname, '')
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
        WHERE n.nspname = %(schema)s AND a.attnum > 0 AND NOT a.attisdropped
          AND c.relkind IN ('r', 'p', 'v', 'm')
        ORDER BY 1, 2""",
    "constraints": """
        SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid, true),
               k.condeferrable, k.condeferred
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = k.connamespace
        WHERE n.nspname = %(schema)s ORDER BY 1, 2""",
    "indexes": """
        SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = %(schema)s ORDER BY 1, 2""",
    "sequences": """
        SELECT sequencename, data_type::text, start_value, min_value, max_value,
               increment_by, cycle, cache_size, last_value
        FROM pg_sequences WHERE schemaname = %(schema)s ORDER BY 1""",
    "sequence_owners": """
        SELECT s.relname, t.relname, a.attname, d.deptype
        FROM pg_depend d
        JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        JOIN pg_namespace n ON n.oid = s.relnamespace
        WHERE n.nspname = %(schema)s ORDER BY 1""",
    "triggers": """
        SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal ORDER BY 1, 2""",
}

DATA_QUERIES = {
    "django_migrations": "SELECT app, name FROM {schema}.django_migrations ORDER BY 1, 2",
    "content_types": "SELECT app_label, model FROM {schema}.django_content_type ORDER BY 1, 2",
    "permissions": """
        SELECT ct.app_label, ct.model, p.codename, p.name
        FROM {schema}.auth_permission p
        JOIN {schema}.django_content_type ct ON ct.id = p.content_type_id ORDER BY 1, 2, 3""",
}


def catalog(schema: str) -> dict[str, list[tuple[object, ...]]]:
    """Everything that defines a schema, with its own name blanked out."""

    def normalise(row: tuple[object, ...]) -> tuple[object, ...]:
        return tuple(
            value.replace(f'"{schema}".', "SCHEMA.").replace(f"{schema}.", "SCHEMA.")
            if isinstance(value, str)
            else value
            for value in row
        )

    result: dict[str, list[tuple[object, ...]]] = {}
    with connection.cursor() as cursor:
        for name, query in CATALOG_QUERIES.items():
            cursor.execute(query, {"schema": schema})
            result[name] = [normalise(row) for row in cursor.fetchall()]
        for name, query in DATA_QUERIES.items():
            cursor.execute(query.format(schema=f'"{schema}"'))
            result[name] = [tuple(row) for row in cursor.fetchall()]
    return result


@pytest.mark.django_db(transaction=True)
def test_provisioned_schema_is_identical_to_a_migrated_one():
    provision_commune(name="Catalogue", insee="33901", slug="cat-provisioned")
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "cat_migrated"')
    try:
        call_command("migrate_schemas", schema_name="cat_migrated", interactive=False, verbosity=0)
        use_public_schema()

        provisioned = catalog("cat_provisioned")
        migrated = catalog("cat_migrated")

        assert provisioned["relations"], "the provisioned schema is empty"
        assert len(provisioned["django_migrations"]) > 10
        assert len(provisioned["permissions"]) > 20
        for part in migrated:
            assert provisioned[part] == migrated[part], part
    finally:
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "cat_migrated" CASCADE')
            cursor.execute('DROP SCHEMA IF EXISTS "cat_provisioned" CASCADE')


@pytest.mark.django_db(transaction=True)
def test_catalog_comparison_notices_a_difference():
    """The comparison above would fail on a schema that differs by one index."""
    provision_commune(name="Catalogue", insee="33902", slug="cat-a")
    provision_commune(name="Catalogue B", insee="33903", slug="cat-b")
    try:
        with connection.cursor() as cursor:
            cursor.execute('CREATE INDEX extra_idx ON "cat_b".accounts_user (email)')
        assert catalog("cat_a")["indexes"] != catalog("cat_b")["indexes"]
        assert catalog("cat_a")["relations"] != catalog("cat_b")["relations"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "cat_a" CASCADE')
            cursor.execute('DROP SCHEMA IF EXISTS "cat_b" CASCADE')
