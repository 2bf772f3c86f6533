# ENT Groupement: developer entry points. The work is done by scripts/dev-env.sh.
#
#   make install        .venv with the project installed (pip runs again only when pyproject.toml changed)
#   make run            private PostgreSQL, migrate, seed the demo groupement, serve on http://ent.localhost:$PORT/ (8000)
#   make test           private PostgreSQL + Redis, then pytest  (make test PYTEST_ARGS='-k routing -x')
#   make lint           ruff check ., mypy and the import contracts (lint-imports)
#   make bench          bench/provision.py, routing.py, import_onde.py, messaging.py, chat.py and load.py (installs wrk if missing)
#   make services       start PostgreSQL + Redis only and print their environment
#   make status         show the private services
#   make stop           stop the private PostgreSQL and Redis
#   make clean          stop, then delete .var/ (keeps .venv)
#
# DATABASE_URL / REDIS_URL, when set, are used instead of the private services. Other settings
# (ENT_PG_PORT, ENT_REDIS_PORT, ENT_SYSTEM_REDIS_PORT, DJANGO_SETTINGS_MODULE...) are described
# at the top of scripts/dev-env.sh.

.POSIX:

DEV_ENV = scripts/dev-env.sh

.PHONY: help install run test lint bench services status stop clean

help:
	@sed -n '3,11p' Makefile | sed 's/^# //'

install:
	@$(DEV_ENV) install

run:
	@PORT="$(PORT)" $(DEV_ENV) run

test:
	@$(DEV_ENV) test $(PYTEST_ARGS)

lint:
	@$(DEV_ENV) lint

bench:
	@$(DEV_ENV) bench

services:
	@$(DEV_ENV) services

status:
	@$(DEV_ENV) status

stop:
	@$(DEV_ENV) stop

clean:
	@$(DEV_ENV) clean
