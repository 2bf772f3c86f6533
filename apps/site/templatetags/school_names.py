"""``{{ school.name|l_ecole }}`` and ``{{ school.name|de_l_ecole }}`` (apps.site.naming)."""

from django import template

from apps.site.naming import of_school, the_school

register = template.Library()
register.filter("l_ecole", the_school)
register.filter("de_l_ecole", of_school)
