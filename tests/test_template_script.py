"""Cutting pg_dump's output into a script that provisioning can replay under any name."""

from __future__ import annotations

import pytest

from provisioning.template import TemplateError, compile_script, script_for_schema

DUMP = """--
-- PostgreSQL database dump
--
\\restrict abc123

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE SCHEMA ent_template;

CREATE TABLE ent_template.notes (
    id bigint NOT NULL,
    body text DEFAULT ''::text NOT NULL
);

INSERT INTO ent_template.notes VALUES (1, 'first line
SET this is data, not a setting;
-- nor is this a comment
ent_template.notes stays as written'), (2, 'it''s fine');

SELECT pg_catalog.setval('ent_template.notes_id_seq', 2, true);

ALTER TABLE ONLY ent_template.notes
    ADD CONSTRAINT notes_pkey PRIMARY KEY (id);

\\unrestrict abc123
"""


def test_schema_qualifiers_move_and_data_stays_untouched():
    script = script_for_schema(compile_script(DUMP, "ent_template"), "pessac")

    assert 'CREATE SCHEMA "pessac";' in script
    assert 'CREATE TABLE "pessac".notes (' in script
    assert 'INSERT INTO "pessac".notes VALUES' in script
    assert "SET this is data, not a setting;\n-- nor is this a comment\n" in script
    assert "ent_template.notes stays as written" in script
    assert "SELECT pg_catalog.setval('\"pessac\".notes_id_seq', 2, true);" in script
    assert 'ALTER TABLE ONLY "pessac".notes' in script


def test_session_settings_comments_and_meta_commands_are_left_out():
    script = script_for_schema(compile_script(DUMP, "ent_template"), "pessac")

    assert "statement_timeout" not in script
    assert "set_config" not in script
    assert "restrict" not in script
    assert "PostgreSQL database dump" not in script


def test_an_unfinished_dump_is_refused():
    with pytest.raises(TemplateError):
        compile_script("CREATE TABLE ent_template.x (\n  id bigint", "ent_template")
