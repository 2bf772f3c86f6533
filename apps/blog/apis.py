"""``/api/v1/blogs/``: the class and school blogs through the same selectors, services and
rules as their pages (``apps.blog.views``). A blog, post or comment out of reach answers 404
like a missing one and changes nothing; a refused move (a submission the circuit does not
allow, a photo of a pupil without consent on a public post) answers 400 with the circuit's
French sentence. A moderator's decisions go through ``/api/v1/moderation/``."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from apps.apikit.base import ActorApi, SchoolRefSerializer
from apps.attachments.apis import AttachmentOutputSerializer
from apps.blog import rules, selectors, services
from apps.blog.models import Blog, BlogPost, Comment
from apps.publications import moderation
from apps.publications.models import State
from apps.publications.services import ModerationError

STATE_LABELS = dict(State.choices)


def _refused(error: Exception) -> serializers.ValidationError:
    return serializers.ValidationError({"detail": str(error)})


def _blog_or_404(api: ActorApi, blog_id: int) -> Blog:
    blog = selectors.blog_for(api.actor(), blog_id)
    if blog is None:
        raise Http404
    return blog


def _post_or_404(api: ActorApi, post_id: int) -> selectors.PostView:
    view = selectors.post_for(api.actor(), post_id)
    if view is None:
        raise Http404
    return view


@extend_schema_serializer(component_name="Blog")
class BlogOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    school = SchoolRefSerializer()
    classroom = serializers.IntegerField(
        source="classroom_id", allow_null=True, help_text="Vide : le blog de l'école."
    )
    comments_moderated = serializers.BooleanField()
    may_write = serializers.SerializerMethodField(help_text="Le compte peut y écrire un article.")
    moderator = serializers.SerializerMethodField(help_text="Le compte valide ce blog.")

    def get_may_write(self, blog: Blog) -> bool:
        return rules.may_write_post(self.context["actor"], blog.scope)

    def get_moderator(self, blog: Blog) -> bool:
        return moderation.may_moderate(self.context["actor"], blog.scope)


class _StateFields(serializers.Serializer):
    state = serializers.CharField(source="publication.state")
    state_label = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(source="publication.published_at", allow_null=True)

    def get_state_label(self, row: Any) -> str:
        return STATE_LABELS[row.publication.state]


@extend_schema_serializer(component_name="BlogPostSummary")
class PostSummarySerializer(_StateFields):
    id = serializers.IntegerField()
    blog = serializers.IntegerField(source="blog_id")
    title = serializers.CharField()
    author_name = serializers.CharField()
    public = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    comment_count = serializers.IntegerField(help_text="Commentaires publiés.")


@extend_schema_serializer(component_name="BlogReply")
class ReplySerializer(_StateFields):
    id = serializers.IntegerField()
    author_name = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="BlogComment")
class CommentSerializer(ReplySerializer):
    replies = ReplySerializer(source="shown_replies", many=True, read_only=True)


@extend_schema_serializer(component_name="BlogPost")
class PostDetailSerializer(_StateFields):
    id = serializers.IntegerField()
    blog = serializers.IntegerField(source="blog_id")
    title = serializers.CharField()
    body = serializers.CharField(help_text="Texte enrichi (HTML nettoyé).")
    author_name = serializers.CharField()
    public = serializers.BooleanField()
    untagged_confirmed = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    note = serializers.SerializerMethodField(
        help_text="La note du modérateur : pour l'auteur et les modérateurs seulement."
    )
    may_edit = serializers.SerializerMethodField()
    may_submit = serializers.SerializerMethodField()
    may_withdraw = serializers.SerializerMethodField()
    may_comment = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField(
        help_text="Les commentaires publiés et leurs réponses, et ceux du compte qui "
        "attendent ; tous, avec leur état, pour un modérateur. Vide tant que l'article n'est "
        "pas publié."
    )

    def _view(self) -> selectors.PostView:
        view: selectors.PostView = self.context["view_of_post"]
        return view

    def get_note(self, post: BlogPost) -> str:
        view = self._view()
        return post.publication.note if (view.is_author or view.moderator) else ""

    def get_may_edit(self, post: BlogPost) -> bool:
        return self._view().may_edit

    def get_may_submit(self, post: BlogPost) -> bool:
        return self._view().is_author and post.publication.state in moderation.SUBMITTABLE

    def get_may_withdraw(self, post: BlogPost) -> bool:
        return self._view().is_author and post.publication.state in moderation.WITHDRAWABLE

    def get_may_comment(self, post: BlogPost) -> bool:
        return post.publication.state == State.PUBLISHED and rules.may_comment(
            self.context["actor"], post.blog.scope
        )

    @extend_schema_field(AttachmentOutputSerializer(many=True))
    def get_attachments(self, post: BlogPost) -> list[dict[str, Any]]:
        rows = post.publication.attachments.all().order_by("created_at", "pk")
        return list(AttachmentOutputSerializer(rows, many=True, context=self.context).data)

    @extend_schema_field(CommentSerializer(many=True))
    def get_comments(self, post: BlogPost) -> list[dict[str, Any]]:
        if post.publication.state != State.PUBLISHED:
            return []
        rows = selectors.comments_of(self.context["actor"], post)
        return list(CommentSerializer(rows, many=True).data)


@extend_schema_serializer(component_name="BlogPostChanged")
class PostChangedSerializer(PostDetailSerializer):
    warning = serializers.SerializerMethodField(
        help_text="Pourquoi l'article n'est plus public (une photo montre un élève sans "
        "autorisation photo), ou vide."
    )

    def get_warning(self, post: BlogPost) -> str:
        refusal = self.context.get("refusal")
        return f"L'article n'est plus public : {refusal}" if refusal else ""


def _detail(
    api: ActorApi,
    request: Request,
    view: selectors.PostView,
    code: int = 200,
    serializer: type[PostDetailSerializer] = PostDetailSerializer,
    **extra: object,
) -> Response:
    context = {"request": request, "actor": api.actor(), "view_of_post": view, **extra}
    return Response(serializer(view.post, context=context).data, status=code)


class BlogPostPagination(PageNumberPagination):
    page_size = selectors.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100


class BlogListApi(ActorApi):
    @extend_schema(
        operation_id="blogs_list",
        summary="Blogs du compte",
        description="Les blogs que le compte lit : celui de l'école d'abord, puis ceux des "
        "classes par nom (pour les élèves et leurs parents, ceux de leurs classes ; pour "
        "l'équipe, ceux de ses écoles).",
        responses=BlogOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        actor = self.actor()
        services.blogs_ensure(actor)
        blogs = selectors.blogs_read_by(actor)
        return Response(BlogOutputSerializer(blogs, many=True, context={"actor": actor}).data)


class BlogPostListApi(ActorApi):
    pagination_class = BlogPostPagination

    @extend_schema(
        operation_id="blogs_posts_list",
        summary="Articles d'un blog",
        description="Les articles publiés et ceux du compte ; pour un modérateur, tous, avec "
        "leur état. Les plus récents d'abord, par pages de 10 (``page_size`` jusqu'à 100). "
        "Un blog hors de portée répond 404.",
        responses=PostSummarySerializer(many=True),
    )
    def get(self, request: Request, blog_id: int) -> Response:
        blog = _blog_or_404(self, blog_id)
        posts = selectors.posts_of(self.actor(), blog)
        paginator = self.pagination_class()
        page: list[BlogPost] | None = paginator.paginate_queryset(posts, request, view=self)
        return paginator.get_paginated_response(PostSummarySerializer(page, many=True).data)


class BlogPostCreateApi(ActorApi):
    @extend_schema_serializer(component_name="BlogPostWrite")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=160)
        body = serializers.CharField(help_text="Texte enrichi : le HTML est nettoyé.")
        public = serializers.BooleanField(
            default=False, help_text="Sur le site public de l'école : un modérateur seulement."
        )
        untagged_confirmed = serializers.BooleanField(
            default=False,
            help_text="Aucun élève sans autorisation photo sur les photos non identifiées.",
        )

    @extend_schema(
        operation_id="blogs_posts_create",
        summary="Écrire un article (brouillon)",
        description="Un brouillon, pour ceux qui écrivent sur ce blog (les enseignants et "
        "les élèves de la classe ; sur le blog de l'école, la direction et les "
        "enseignants) ; ``submit`` l'envoie ensuite. Hors de portée : 404.",
        request=InputSerializer,
        responses={201: PostDetailSerializer},
    )
    def post(self, request: Request, blog_id: int) -> Response:
        blog = _blog_or_404(self, blog_id)
        actor = self.actor()
        if not rules.may_write_post(actor, blog.scope):
            raise Http404
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            post = services.post_create(actor=actor, blog=blog, **data.validated_data)
        except services.BlogNotAllowed as error:
            raise Http404 from error
        except services.BlogError as error:
            raise _refused(error) from error
        return _detail(self, request, _post_or_404(self, post.pk), status.HTTP_201_CREATED)


class BlogPostDetailApi(ActorApi):
    @extend_schema(
        operation_id="blogs_posts_retrieve",
        summary="Un article et ses commentaires",
        description="Publié : pour les lecteurs du blog ; sinon pour son auteur et ses "
        "modérateurs seulement. Sinon : 404.",
        responses=PostDetailSerializer,
    )
    def get(self, request: Request, post_id: int) -> Response:
        return _detail(self, request, _post_or_404(self, post_id))


class BlogPostUpdateApi(ActorApi):
    @extend_schema_serializer(component_name="BlogPostChange")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=160, required=False)
        body = serializers.CharField(required=False)
        public = serializers.BooleanField(required=False)
        untagged_confirmed = serializers.BooleanField(required=False)

    @extend_schema(
        operation_id="blogs_posts_partial_update",
        summary="Modifier un article",
        description="Par son auteur tant que c'est son brouillon (ou un article refusé), par "
        "un modérateur à tout moment ; seul un modérateur le rend public. Un champ absent "
        "garde sa valeur. Un article public et publié dont une photo montre désormais un "
        "élève sans autorisation photo n'est plus public (``warning`` dit pourquoi). Sinon : 404.",
        request=InputSerializer,
        responses=PostChangedSerializer,
    )
    def patch(self, request: Request, post_id: int) -> Response:
        view = _post_or_404(self, post_id)
        if not view.may_edit:
            raise Http404
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = view.post
        values = {
            "title": post.title,
            "body": post.body,
            "public": post.public,
            "untagged_confirmed": post.untagged_confirmed,
            **data.validated_data,
        }
        try:
            saved = services.post_update(actor=self.actor(), post=post, **values)
        except services.BlogNotAllowed as error:
            raise Http404 from error
        except services.BlogError as error:
            raise _refused(error) from error
        refusal = services.post_recheck_public(saved)
        return _detail(
            self,
            request,
            _post_or_404(self, post_id),
            serializer=PostChangedSerializer,
            refusal=refusal,
        )


class BlogPostDeleteApi(ActorApi):
    @extend_schema(
        operation_id="blogs_posts_destroy",
        summary="Supprimer un article",
        description="Le brouillon de son auteur, ou au choix d'un modérateur ; ses "
        "commentaires et ses fichiers partent avec lui. Sinon : 404.",
        responses={204: None},
    )
    def delete(self, request: Request, post_id: int) -> Response:
        view = _post_or_404(self, post_id)
        if not view.may_edit:
            raise Http404
        try:
            services.post_delete(actor=self.actor(), post=view.post)
        except services.BlogError as error:
            raise Http404 from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlogPostSubmitApi(ActorApi):
    @extend_schema(
        operation_id="blogs_posts_submit",
        summary="Envoyer un article",
        description="Par son auteur : publié aussitôt s'il valide ce blog, sinon en attente "
        "de l'enseignant. Refusé (déjà envoyé, photo d'un élève sans autorisation sur un "
        "article public…) : 400 avec la raison, rien ne change. Pas l'auteur : 404.",
        request=None,
        responses=PostDetailSerializer,
    )
    def post(self, request: Request, post_id: int) -> Response:
        view = _post_or_404(self, post_id)
        if not view.is_author:
            raise Http404
        try:
            services.post_submit(actor=self.actor(), post=view.post)
        except ModerationError as error:
            raise _refused(error) from error
        except services.BlogError as error:
            raise Http404 from error
        return _detail(self, request, _post_or_404(self, post_id))


class BlogPostWithdrawApi(ActorApi):
    @extend_schema(
        operation_id="blogs_posts_withdraw",
        summary="Reprendre un article envoyé",
        description="Par son auteur, tant qu'il attend l'enseignant : de nouveau son "
        "brouillon. Déjà décidé : 400 avec la raison. Pas l'auteur : 404.",
        request=None,
        responses=PostDetailSerializer,
    )
    def post(self, request: Request, post_id: int) -> Response:
        view = _post_or_404(self, post_id)
        if not view.is_author:
            raise Http404
        try:
            services.post_withdraw(actor=self.actor(), post=view.post)
        except ModerationError as error:
            raise _refused(error) from error
        return _detail(self, request, _post_or_404(self, post_id))


class BlogCommentCreateApi(ActorApi):
    @extend_schema_serializer(component_name="BlogCommentWrite")
    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=2000)
        parent = serializers.IntegerField(  # type: ignore[assignment] # DRF pops declared fields
            required=False, min_value=1, help_text="Le commentaire auquel on répond."
        )

    @extend_schema(
        operation_id="blogs_comments_create",
        summary="Commenter un article",
        description="Par un lecteur d'un article publié, ou en réponse à un de ses "
        "commentaires publiés (``parent``). Celui d'un élève attend toujours l'enseignant ; "
        "celui d'un adulte aussi si le blog valide les commentaires. Hors de portée : 404.",
        request=InputSerializer,
        responses={201: CommentSerializer},
    )
    def post(self, request: Request, post_id: int) -> Response:
        view = _post_or_404(self, post_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = self.actor()
        parent: Comment | None = None
        parent_id = data.validated_data.get("parent")
        if parent_id is not None:
            parent = selectors.comment_for(actor, parent_id)
            if parent is None:
                raise Http404
        try:
            comment = services.comment_add(
                actor=actor, post=view.post, body=data.validated_data["body"], parent=parent
            )
        except services.BlogNotAllowed as error:
            raise Http404 from error
        except services.BlogError as error:
            raise _refused(error) from error
        comment.shown_replies = []  # type: ignore[attr-defined]
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
