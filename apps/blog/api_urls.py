"""``/api/v1/blogs/…``, included by ``apps.api.urls`` (namespace ``api``)."""

from django.urls import path

from apps.apikit.base import by_method
from apps.blog.apis import (
    BlogCommentCreateApi,
    BlogListApi,
    BlogPostCreateApi,
    BlogPostDeleteApi,
    BlogPostDetailApi,
    BlogPostListApi,
    BlogPostSubmitApi,
    BlogPostUpdateApi,
    BlogPostWithdrawApi,
)

urlpatterns = [
    path("", BlogListApi.as_view(), name="blog-list"),
    path(
        "<int:blog_id>/posts/",
        by_method(get=BlogPostListApi, post=BlogPostCreateApi),
        name="blog-post-list",
    ),
    path(
        "posts/<int:post_id>/",
        by_method(get=BlogPostDetailApi, patch=BlogPostUpdateApi, delete=BlogPostDeleteApi),
        name="blog-post-detail",
    ),
    path("posts/<int:post_id>/submit/", BlogPostSubmitApi.as_view(), name="blog-post-submit"),
    path("posts/<int:post_id>/withdraw/", BlogPostWithdrawApi.as_view(), name="blog-post-withdraw"),
    path(
        "posts/<int:post_id>/comments/",
        BlogCommentCreateApi.as_view(),
        name="blog-comment-create",
    ),
]
