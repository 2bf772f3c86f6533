"""What the named demo commune publishes, so that every page of the publication side has
something to show from the first ``make run``: the elementary school's public site, a class
blog (the named teacher's CE2) with a public post and its photo, a post and a comment waiting
for the teacher, a post of the school's blog on the public site, and news: the direction's
on the site, the commune's for the families, a teacher's waiting for the direction; and the
class forum's first subject, with a pupil's reply waiting for the teacher.

Written through the services, as the pages would; the photos are drawn here (no pupil in
them, as their publisher confirms), so the demo carries no picture of anybody.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.attachments.services import attachments_change
from apps.blog.models import Blog
from apps.blog.services import blogs_ensure, comment_add, post_create, post_submit
from apps.forum.models import Category, Forum
from apps.forum.services import forums_ensure, message_add, subject_create
from apps.news.models import Audience
from apps.news.services import news_create, news_submit
from apps.schools.models import Classroom, School
from apps.site.services import site_open, site_publish


def _drawing(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    """A landscape in three bands and a sun: a photo-sized picture of nobody."""
    image = Image.new("RGB", (1200, 900), (140, 200, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 540, 1200, 900), fill=colour)
    draw.polygon([(0, 620), (380, 300), (760, 620)], fill=(90, 110, 130))
    draw.ellipse((900, 80, 1060, 240), fill=(255, 210, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def seed_publications(
    *, school: School, classroom: Classroom, director: User, teacher: User, pupil: User,
    parent: User, admin: User,
) -> None:  # fmt: skip
    director_actor, teacher_actor = actor_for(director), actor_for(teacher)
    site = site_open(actor=director_actor, school=school)
    site_publish(actor=director_actor, site=site, published=True)

    blogs_ensure(teacher_actor)
    blogs_ensure(director_actor)
    class_blog = Blog.objects.get(classroom=classroom)
    school_blog = Blog.objects.get(school=school, classroom__isnull=True)

    garden = post_create(
        actor=teacher_actor,
        blog=class_blog,
        title="Le potager de la classe",
        body=(
            "<p>Les radis sont sortis ! Chaque groupe arrose sa parcelle le lundi et le "
            "jeudi, et note dans le <strong>cahier du potager</strong> ce qui a poussé.</p>"
        ),
        public=True,
        untagged_confirmed=True,
    )
    attachments_change(
        user=teacher, publication=garden.publication, add=[_drawing((90, 160, 70), "potager.jpg")]
    )
    post_submit(actor=teacher_actor, post=garden)

    library = post_create(
        actor=teacher_actor,
        blog=class_blog,
        title="Sortie à la médiathèque",
        body="<p>Jeudi, nous avons emprunté deux livres chacun. Qui a déjà fini le sien ?</p>",
    )
    post_submit(actor=teacher_actor, post=library)
    library.refresh_from_db()
    # A family's comment, waiting for the teacher (the blog moderates comments).
    comment_add(actor=actor_for(parent), post=library, body="Merci pour cette belle sortie !")

    # A pupil's post, waiting for the teacher: nobody else sees it before it is published.
    draft = post_create(
        actor=actor_for(pupil),
        blog=class_blog,
        title="Mon livre préféré",
        body="<p>J'ai choisi un livre sur les volcans.</p>",
    )
    post_submit(actor=actor_for(pupil), post=draft)

    fete = post_create(
        actor=director_actor,
        blog=school_blog,
        title="La fête de l'école aura lieu le samedi 20 juin",
        body=(
            "<p>Spectacle des classes le matin, kermesse l'après-midi. Les familles qui "
            "peuvent tenir un stand sont les bienvenues.</p>"
        ),
        public=True,
        untagged_confirmed=True,
    )
    attachments_change(
        user=director, publication=fete.publication, add=[_drawing((200, 120, 60), "fete.jpg")]
    )
    post_submit(actor=director_actor, post=fete)

    # News: the direction's, « à la une » and on the public site; the commune's, for the
    # families of every school; a teacher's, waiting for the direction.
    today = timezone.localdate()
    meeting = news_create(
        actor=director_actor,
        school=school,
        title="Réunion des familles le mardi à 18 h",
        body="<p>Présentation de l'année et des projets des classes, dans le préau.</p>",
        expires_on=today + datetime.timedelta(days=60),
        audience=Audience.FAMILIES,
        pinned=True,
        public=True,
        untagged_confirmed=True,
    )
    news_submit(actor=director_actor, news=meeting)
    canteen = news_create(
        actor=actor_for(admin),
        school=None,
        title="Inscriptions à la restauration scolaire",
        body="<p>Les inscriptions pour le trimestre prochain sont ouvertes en mairie.</p>",
        expires_on=today + datetime.timedelta(days=90),
        audience=Audience.FAMILIES,
    )
    news_submit(actor=actor_for(admin), news=canteen)
    library_news = news_create(
        actor=teacher_actor,
        school=school,
        title="La bibliothèque de l'école cherche des bénévoles",
        body="<p>Une heure par semaine, le jeudi après-midi.</p>",
        expires_on=today + datetime.timedelta(days=45),
    )
    news_submit(actor=teacher_actor, news=library_news)

    # The class forum: the teacher's subject, a classmate's reply waiting for the teacher.
    forums_ensure(teacher_actor)
    forum = Forum.objects.get(classroom=classroom)
    subject = subject_create(
        actor=teacher_actor,
        forum=forum,
        category=Category.objects.filter(forum=forum).earliest("pk"),
        title="Quel livre emporter en classe découverte ?",
        body="Proposez un livre que vous aimeriez lire avec la classe, et dites pourquoi.",
    )
    message_add(
        actor=actor_for(pupil),
        subject=subject,
        body="Le livre sur les volcans, parce qu'il y a plein de photos !",
    )
