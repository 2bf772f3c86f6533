"""``/api/v1/messages/…``, included by ``apps.api.urls`` (namespace ``api``)."""

from django.urls import path

from apps.apikit.base import by_method
from apps.messaging import apis

urlpatterns = [
    path(
        "folders/",
        by_method(get=apis.MessageFolderListApi, post=apis.MessageFolderCreateApi),
        name="messages-folders",
    ),
    path(
        "folders/<int:folder_id>/",
        by_method(patch=apis.MessageFolderRenameApi, delete=apis.MessageFolderDeleteApi),
        name="messages-folder",
    ),
    path("copies/", apis.MessageCopyListApi.as_view(), name="messages-copies"),
    path("copies/read/", apis.MessageMarkReadApi.as_view(), name="messages-copies-read"),
    path("copies/unread/", apis.MessageMarkUnreadApi.as_view(), name="messages-copies-unread"),
    path("copies/trash/", apis.MessageTrashApi.as_view(), name="messages-copies-trash"),
    path("copies/restore/", apis.MessageRestoreApi.as_view(), name="messages-copies-restore"),
    path("copies/move/", apis.MessageMoveApi.as_view(), name="messages-copies-move"),
    path("recipients/", apis.MessageRecipientsApi.as_view(), name="messages-recipients"),
    path("drafts/", apis.MessageDraftCreateApi.as_view(), name="messages-drafts"),
    path(
        "drafts/<int:message_id>/",
        by_method(
            get=apis.MessageDraftDetailApi,
            put=apis.MessageDraftUpdateApi,
            delete=apis.MessageDraftDeleteApi,
        ),
        name="messages-draft",
    ),
    path(
        "drafts/<int:message_id>/send/", apis.MessageSendApi.as_view(), name="messages-draft-send"
    ),
    path("<int:message_id>/thread/", apis.MessageThreadApi.as_view(), name="messages-thread"),
    path("<int:message_id>/reply/", apis.MessageReplyApi.as_view(), name="messages-reply"),
    path("<int:message_id>/forward/", apis.MessageForwardApi.as_view(), name="messages-forward"),
    path("<int:message_id>/recall/", apis.MessageRecallApi.as_view(), name="messages-recall"),
    path("<int:message_id>/report/", apis.MessageReportApi.as_view(), name="messages-report"),
    path("moderation/", apis.MessageModerationListApi.as_view(), name="messages-moderation"),
    path(
        "moderation/<int:message_id>/approve/",
        apis.MessageApproveApi.as_view(),
        name="messages-moderation-approve",
    ),
    path(
        "moderation/<int:message_id>/refuse/",
        apis.MessageRefuseApi.as_view(),
        name="messages-moderation-refuse",
    ),
]
