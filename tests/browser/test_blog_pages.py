"""The blog's pages in a real browser at a 390 px phone: a class blog, a post with a photo,
comments and a reply, the writing form (the rich-text editor), the photos' pupils, the
settings and the print view; nothing wider than the window and axe-core finds no serious or
critical violation. The pages the crawl cannot reach (the demo has no post) are here.

It reuses the liaison journey's commune (a fixture of that module), whose schema is dropped
afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.attachments.services import attachments_change
from apps.blog.models import Blog
from apps.blog.services import blogs_ensure, comment_add, post_create, post_submit
from apps.schools.models import Classroom
from tenants.validators import schema_name_for_slug
from tests.attachments import files
from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility
from tests.browser.test_liaison_journey import PASSWORD, SLUG, school_world  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def blog_post(school_world: dict[str, str]) -> dict[str, int]:  # noqa: F811
    with schema_context(schema_name_for_slug(SLUG)):
        teacher_user = User.objects.get(username=school_world["teacher"])
        teacher = actor_for(teacher_user)
        pupil = actor_for(User.objects.get(username="paul.un"))
        blogs_ensure(teacher)
        blog = Blog.objects.get(classroom=Classroom.objects.get(name=school_world["class"]))
        post = post_create(
            actor=teacher,
            blog=blog,
            title="Notre sortie au jardin botanique",
            body="<p>Nous avons vu <strong>des plantes carnivores</strong> et des cactus.</p>",
        )
        attachments_change(
            user=teacher_user,
            publication=post.publication,
            add=[files.upload("jardin.png", files.png())],
        )
        post_submit(actor=teacher, post=post)
        post.publication.refresh_from_db()
        first = comment_add(
            actor=teacher, post=post, body="Merci à tous pour cette belle journée !"
        )
        comment_add(actor=pupil, post=post, body="J'ai adoré les cactus.", parent=first)
        return {"blog": blog.pk, "post": post.pk}


def test_the_blog_pages_fit_a_phone_and_pass_axe(
    live_server: Any, blog_post: dict[str, int], browser: Any, artifacts: Path
) -> None:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    base = f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}"
    post, blog = blog_post["post"], blog_post["blog"]
    pages = {
        "theo.maitre": [
            ("blog", f"/blogs/{blog}/"),
            ("article", f"/blogs/articles/{post}/"),
            ("modifier", f"/blogs/articles/{post}/modifier/"),
            ("photos", f"/blogs/articles/{post}/photos/"),
            ("reglages", f"/blogs/{blog}/reglages/"),
            ("imprimer", f"/blogs/articles/{post}/imprimer/"),
        ],
        "paul.un": [
            ("eleve-blogs", "/blogs/"),
            ("eleve-article", f"/blogs/articles/{post}/"),
            ("eleve-ecrire", f"/blogs/{blog}/nouvel-article/"),
        ],
    }
    for login, urls in pages.items():
        context = browser.new_context(
            locale="fr-FR", base_url=base, viewport={"width": 390, "height": 844}
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.new_page()
        page.goto("/connexion/?next=/blogs/")
        page.get_by_label("Identifiant").fill(login)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/blogs/"))
        for name, url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            width, window = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert width <= window, (name, width, window)
            page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
            check_accessibility(page, name)
        if login == "paul.un":
            page.goto(f"/blogs/articles/{post}/")
            assert "adoré les cactus" in page.content()  # their own reply, waiting
        context.close()
