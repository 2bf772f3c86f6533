"""python -m bench.routing_app.seed_site SLUG: the demo people of commune SLUG (its named
accounts too: a published school site and its blogs, provisioning.demo_content), then public
posts with a photo on that site until it has POSTS, and news until NEWS when the news app
gives the site its public items. Prints the site's path (``/ecole/<uai>/``) and how many
public items its sources give."""

from __future__ import annotations

import datetime
import io
import sys

import django

POSTS = 10
NEWS = 20


def _photo(number: int) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    image = Image.new("RGB", (1200, 900), (40 + 15 * number, 120, 200 - 10 * number))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(f"photo-{number}.jpg", out.getvalue(), content_type="image/jpeg")


def main() -> None:
    slug = sys.argv[1]
    django.setup()
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.accounts.selectors import actor_for
    from apps.attachments.services import attachments_change
    from apps.blog.models import Blog
    from apps.blog.selectors import public_posts
    from apps.blog.services import post_create, post_submit
    from apps.news.models import News
    from apps.news.services import news_create, news_submit
    from apps.site import public
    from apps.site.models import Site
    from provisioning.demo_people import seed_demo
    from tenants.models import Commune

    commune = Commune.objects.get(slug=slug)
    seed_demo(communes=[commune], named_in=slug)
    with schema_context(commune.schema_name):
        site = Site.objects.select_related("school").get(published=True)
        director = User.objects.get(username="directeur.demo")
        actor = actor_for(director)
        blog = Blog.objects.get(school=site.school, classroom__isnull=True)
        for number in range(POSTS - public_posts(site.school_id).count()):
            post = post_create(
                actor=actor,
                blog=blog,
                title=f"Nouvelles de l'école, semaine {number + 1}",
                body="<p>Ce que les classes ont fait cette semaine, en photo.</p>",
                public=True,
                untagged_confirmed=True,
            )
            attachments_change(user=director, publication=post.publication, add=[_photo(number)])
            post_submit(actor=actor, post=post)
        today = timezone.localdate()
        public_news = News.objects.filter(school=site.school, public=True)
        for number in range(NEWS - public_news.count()):
            news = news_create(
                actor=actor,
                school=site.school,
                title=f"Information aux familles n° {number + 1}",
                body="<p>Les horaires, les sorties et les rendez-vous de la semaine.</p>",
                expires_on=today + datetime.timedelta(days=60),
                public=True,
                untagged_confirmed=True,
            )
            news_submit(actor=actor, news=news)
        print(f"/ecole/{site.school.uai.lower()}/")
        print(public.items_count(site.school_id))


if __name__ == "__main__":
    main()
