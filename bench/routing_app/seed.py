"""python -m bench.routing_app.seed SLUG USERNAME: create USERNAME in the commune's schema.

Prints the commune's schema name.
"""

import sys

import django


def main() -> None:
    slug, username = sys.argv[1], sys.argv[2]
    django.setup()
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from tenants.models import Commune

    schema = Commune.objects.get(slug=slug).schema_name
    with schema_context(schema):
        get_user_model().objects.get_or_create(username=username)
    print(schema)


if __name__ == "__main__":
    main()
