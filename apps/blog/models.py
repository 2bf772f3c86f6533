"""A class's blog and a school's blog, their posts and the comments on them.

Each post and each comment owns a ``Publication`` (``apps.publications``): its author, its
state in the moderation circuit, its scope (the blog's class, else its school: who moderates
it), and the row its files and notifications point to. A blog exists while its class (or
school) exists; it is created the first time one of its readers opens the blogs
(``services.blogs_ensure``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from apps.publications.models import Publication
from apps.publications.moderation import Scope
from apps.schools.models import Classroom, School


class Blog(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="blogs")
    # None: the school's own blog. A class's blog goes with its class (retention).
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, null=True, blank=True, related_name="blogs"
    )
    title = models.CharField("titre", max_length=160)
    # Comments wait for a moderator unless the blog's teachers decide otherwise.
    comments_moderated = models.BooleanField("commentaires validés avant publication", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "blog"
        constraints = [
            models.UniqueConstraint(
                fields=["classroom"],
                condition=Q(classroom__isnull=False),
                name="blog_one_per_class",
            ),
            models.UniqueConstraint(
                fields=["school"], condition=Q(classroom__isnull=True), name="blog_one_per_school"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope(self) -> Scope:
        return Scope(school_id=self.school_id, classroom_id=self.classroom_id)

    @property
    def is_class_blog(self) -> bool:
        return self.classroom_id is not None


class BlogPost(models.Model):
    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="blog_post"
    )
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="posts")
    author_name = models.CharField(max_length=200)
    title = models.CharField("titre", max_length=160)
    # Sanitised rich text (``apps.blog.services``), as the cahier de textes stores it.
    body = models.TextField("texte")
    # Shown on the school's public site, without login: a moderator's choice, refused while
    # a photo shows a pupil without photo consent.
    public = models.BooleanField("visible sur le site public de l'école", default=False)
    # The publisher confirmed that no pupil without consent appears in the untagged photos.
    untagged_confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "article de blog"
        verbose_name_plural = "articles de blog"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["blog", "-created_at", "-id"])]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="blog_comment"
    )
    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="comments")
    # A reply to another comment of the same post (one level: a reply's replies hang on the
    # first comment).
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author_name = models.CharField(max_length=200)
    body = models.TextField("commentaire", max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "commentaire"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"Commentaire {self.pk}"
