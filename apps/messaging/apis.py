"""``/api/v1/messages/…``: the messagerie through the same services, selectors and rules as
its pages, one API class per operation.

The caller only ever reaches what they hold: a copy, folder or draft of someone else answers
404 like a missing one (and a list of copies naming any such copy changes nothing). A refusal
by the rules (``MessagingError``) answers 400 with its one French sentence and changes
nothing; a message that would reach more than 30 families answers 409 until it is sent again
with ``confirmed``. Reading is never a write: opening a thread does not mark it read (the
client says so, ``copies/read/``), so that a retried or prefetched GET changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.context import found_or_404
from apps.accounts.permissions import Actor
from apps.apikit.base import ActorApi, PersonRefSerializer
from apps.attachments.apis import AttachmentOutputSerializer
from apps.french.ordering import name_key
from apps.messaging import groups, selectors, services
from apps.messaging.models import Address, Box, Copy, Field, GroupKind, Message, State
from apps.messaging.rules import Group

# --- shared shapes ---------------------------------------------------------------------------

# FIELD_NAMES: an output field called ``label`` or ``parent`` shadows an attribute of DRF's
# ``Field`` for the type checker only: DRF's serializer metaclass moves declared fields out
# of the class, so at run time nothing is shadowed (hence the ``type: ignore`` on them).


class MessagePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _refused(error: services.MessagingError) -> serializers.ValidationError:
    return serializers.ValidationError({"detail": str(error)})


def _held_by_caller(actor: Actor, message_id: int) -> Copy:
    """The caller's copy of a message (404: missing, or not theirs)."""
    return found_or_404(selectors.copy_of(actor.id, message_id))


def _sender_id(message: Message) -> int | None:
    # An erased or departed sender is "Ancien compte" to everyone: no id either.
    former = selectors.sender_label(message) == selectors.FORMER_ACCOUNT
    return None if former else message.sender_id


def _hidden_from(copy: Copy) -> bool:
    """A recalled message keeps its text for its sender only."""
    return copy.message.is_recalled and copy.message.sender_id != copy.owner_id


def _recipients_shown(copy: Copy, addresses: list[Address]) -> list[Address]:
    # The rule of ``selectors.addresses_shown`` (Bcc for the sender only), on addresses read
    # for a whole page at once.
    to_sender = copy.message.sender_id == copy.owner_id
    return [a for a in addresses if to_sender or a.field != Field.BCC]


@extend_schema_serializer(component_name="MessageAddress")
class AddressOutputSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=Field.choices, help_text="to, cc ou bcc")
    kind = serializers.ChoiceField(choices=GroupKind.choices)
    label = serializers.CharField(  # type: ignore[assignment] # see FIELD_NAMES
        help_text="Le nom de la personne ou du groupe, tel qu'écrit"
    )
    person = serializers.IntegerField(source="person_id", allow_null=True)
    group = serializers.SerializerMethodField(help_text="La clé du groupe (un groupe seulement)")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_group(self, address: Address) -> str | None:
        if address.kind == GroupKind.PERSON or address.school_id is None:
            return None
        try:
            group = Group(
                kind=address.kind, school_id=address.school_id, classroom_id=address.classroom_id
            )
        except ValueError:
            return None
        return group.key


class SenderFieldsMixin(serializers.Serializer):
    sender = serializers.SerializerMethodField(help_text="Vide pour un ancien compte")
    sender_name = serializers.SerializerMethodField(help_text="« Ancien compte » s'il est parti")

    def _message(self, row: Any) -> Message:
        return row.message if isinstance(row, Copy) else row

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_sender(self, row: Any) -> int | None:
        return _sender_id(self._message(row))

    @extend_schema_field(serializers.CharField())
    def get_sender_name(self, row: Any) -> str:
        return selectors.sender_label(self._message(row))


# --- folders ---------------------------------------------------------------------------------


@extend_schema_serializer(component_name="MessageFolder")
class FolderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)  # type: ignore[assignment] # see FIELD_NAMES


@extend_schema_serializer(component_name="MessageBoxTally")
class BoxTallySerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=selectors.BOXES)
    label = serializers.CharField()  # type: ignore[assignment] # see FIELD_NAMES
    count = serializers.IntegerField()
    unread = serializers.IntegerField(help_text="Messages reçus non lus")


@extend_schema_serializer(component_name="MessageFolderTally")
class FolderTallySerializer(FolderOutputSerializer):
    count = serializers.IntegerField()
    unread = serializers.IntegerField(help_text="Messages reçus non lus")


class MessageFolderListApi(ActorApi):
    @extend_schema_serializer(component_name="MessageFolders")
    class OutputSerializer(serializers.Serializer):
        boxes = BoxTallySerializer(many=True)
        folders = FolderTallySerializer(many=True)

    @extend_schema(
        operation_id="messages_folders_list",
        summary="Boîtes et dossiers",
        description="Les boîtes du compte (réception, envoyés, brouillons, corbeille) et ses "
        "dossiers (chaque dossier suivi de ses sous-dossiers, dans l'ordre français), chacun "
        "avec son nombre de messages et de messages reçus non lus.",
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        owner_id = self.actor().id
        boxes, tallied = selectors.tallies(owner_id)
        labels = {**dict(Box.choices), selectors.TRASH: "Corbeille"}
        folders = selectors.folders_of(owner_id)
        for folder in folders:
            tally = tallied.get(folder.pk, selectors.Tally())
            folder.count, folder.unread = tally.total, tally.unread  # type: ignore[attr-defined]
        data = {
            "boxes": [
                {"key": key, "label": labels[key], "count": t.total, "unread": t.unread}
                for key, t in boxes.items()
            ],
            "folders": folders,
        }
        return Response(self.OutputSerializer(data).data)


class MessageFolderCreateApi(ActorApi):
    @extend_schema_serializer(component_name="MessageFolderCreate")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=60)
        parent = serializers.IntegerField(  # type: ignore[assignment] # see FIELD_NAMES
            required=False, allow_null=True, default=None, help_text="Un dossier du compte"
        )

    @extend_schema(
        operation_id="messages_folders_create",
        summary="Nouveau dossier",
        description="Un dossier, ou un sous-dossier d'un dossier du compte (deux niveaux au "
        "plus). Un nom déjà pris au même endroit est refusé (400). Dossier parent hors de "
        "portée : 404.",
        request=InputSerializer,
        responses={201: FolderOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        owner_id = self.actor().id
        data = payload.validated_data
        parent = None
        if data["parent"] is not None:
            parent = found_or_404(selectors.folder_of(owner_id, data["parent"]))
        try:
            folder = services.folder_create(owner_id=owner_id, name=data["name"], parent=parent)
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response(FolderOutputSerializer(folder).data, status=status.HTTP_201_CREATED)


class MessageFolderRenameApi(ActorApi):
    @extend_schema_serializer(component_name="MessageFolderRename")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=60)

    @extend_schema(
        operation_id="messages_folders_rename",
        summary="Renommer un dossier",
        description="Un nom déjà pris au même endroit est refusé (400). Hors de portée : 404.",
        request=InputSerializer,
        responses=FolderOutputSerializer,
    )
    def patch(self, request: Request, folder_id: int) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        owner_id = self.actor().id
        folder = found_or_404(selectors.folder_of(owner_id, folder_id))
        try:
            folder = services.folder_rename(
                owner_id=owner_id, folder=folder, name=payload.validated_data["name"]
            )
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response(FolderOutputSerializer(folder).data)


class MessageFolderDeleteApi(ActorApi):
    @extend_schema(
        operation_id="messages_folders_delete",
        summary="Supprimer un dossier",
        description="Ses messages (et ceux de ses sous-dossiers) retournent dans leur boîte : "
        "aucun n'est perdu. Hors de portée : 404.",
        responses={204: None},
    )
    def delete(self, request: Request, folder_id: int) -> Response:
        owner_id = self.actor().id
        folder = found_or_404(selectors.folder_of(owner_id, folder_id))
        try:
            services.folder_delete(owner_id=owner_id, folder=folder)
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- a box or folder's copies ----------------------------------------------------------------


@extend_schema_serializer(component_name="MessageCopy")
class CopyOutputSerializer(SenderFieldsMixin):
    id = serializers.IntegerField(help_text="L'exemplaire du compte (les actions le nomment)")
    message = serializers.IntegerField(source="message_id")
    thread = serializers.IntegerField(source="message.thread_root_id")
    box = serializers.ChoiceField(choices=Box.choices)
    folder = serializers.IntegerField(source="folder_id", allow_null=True)
    subject = serializers.CharField(source="message.subject")
    preview = serializers.SerializerMethodField(help_text="Le début du message")
    recalled = serializers.BooleanField(source="message.is_recalled")
    state = serializers.ChoiceField(
        source="message.state", choices=State.choices, help_text="Pour l'expéditeur"
    )
    urgent = serializers.BooleanField(source="message.urgent")
    recipients = serializers.SerializerMethodField(help_text="Cci pour l'expéditeur seul")
    at = serializers.DateTimeField(source="sort_at")
    read = serializers.SerializerMethodField(help_text="Reçu et lu (ses propres messages : vrai)")
    flagged = serializers.BooleanField()
    has_files = serializers.BooleanField()
    trashed_at = serializers.DateTimeField(allow_null=True)

    PREVIEW = 140

    @extend_schema_field(serializers.CharField())
    def get_preview(self, copy: Copy) -> str:
        if _hidden_from(copy):
            return selectors.RECALLED
        text = " ".join(copy.message.body.split())
        return text if len(text) <= self.PREVIEW else text[: self.PREVIEW - 1] + "…"

    @extend_schema_field(AddressOutputSerializer(many=True))
    def get_recipients(self, copy: Copy) -> Any:  # DRF's serialized list
        addresses = self.context["addresses"].get(copy.message_id, [])
        return AddressOutputSerializer(_recipients_shown(copy, addresses), many=True).data

    @extend_schema_field(serializers.BooleanField())
    def get_read(self, copy: Copy) -> bool:
        return copy.box != Box.INBOX or copy.read_at is not None


class MessageCopyListApi(ActorApi):
    pagination_class = MessagePagination

    class FilterSerializer(serializers.Serializer):
        box = serializers.ChoiceField(
            choices=selectors.BOXES, required=False, help_text="Par défaut : inbox"
        )
        folder = serializers.IntegerField(required=False, help_text="Un dossier du compte")
        unread = serializers.BooleanField(required=False, default=False)
        with_files = serializers.BooleanField(required=False, default=False)
        sender = serializers.IntegerField(required=False, help_text="De cette personne")

        def validate(self, attrs: dict) -> dict:
            if "box" in attrs and "folder" in attrs:
                raise serializers.ValidationError("Indiquez soit box, soit folder.")
            return attrs

    @extend_schema(
        operation_id="messages_copies_list",
        summary="Messages d'une boîte ou d'un dossier",
        description="Les messages d'une boîte (``box``) ou d'un dossier du compte (``folder``), "
        "les plus récents d'abord, par pages de 25 (``page_size`` jusqu'à 100) ; filtres : non "
        "lus, avec pièces jointes, d'un expéditeur. Un message rappelé se lit « Message "
        "rappelé par l'expéditeur. » pour ses destinataires. Dossier hors de portée : 404.",
        parameters=[FilterSerializer],
        responses=CopyOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        owner_id = self.actor().id
        where: str | int = data.get("box", Box.INBOX.value)
        if "folder" in data:
            where = found_or_404(selectors.folder_of(owner_id, data["folder"])).pk
        copies = selectors.copies_in(
            owner_id,
            where,
            selectors.Filters(
                unread=data["unread"],
                with_files=data["with_files"],
                sender_id=data.get("sender"),
            ),
        )
        if data["unread"]:
            # What is one's own is never "unread" (``get_read``).
            copies = copies.filter(box=Box.INBOX)
        paginator = self.pagination_class()
        page: list[Copy] = paginator.paginate_queryset(copies, request, view=self) or []
        addresses = selectors.addresses_by_message([copy.message_id for copy in page])
        return paginator.get_paginated_response(
            CopyOutputSerializer(page, many=True, context={"addresses": addresses}).data
        )


# --- a thread --------------------------------------------------------------------------------


@extend_schema_serializer(component_name="MessageInThread")
class ThreadMessageSerializer(SenderFieldsMixin):
    id = serializers.IntegerField(source="message_id")
    copy = serializers.IntegerField(source="pk", help_text="L'exemplaire du compte")
    box = serializers.ChoiceField(choices=Box.choices)
    subject = serializers.CharField(source="message.subject")
    body = serializers.SerializerMethodField(help_text="Vide (null) pour un message rappelé")
    notice = serializers.SerializerMethodField(help_text="« Message rappelé par l'expéditeur. »")
    recalled = serializers.BooleanField(source="message.is_recalled")
    to = serializers.SerializerMethodField()
    cc = serializers.SerializerMethodField()
    bcc = serializers.SerializerMethodField(help_text="Pour l'expéditeur seul")
    state = serializers.ChoiceField(source="message.state", choices=State.choices)
    state_label = serializers.CharField(source="message.get_state_display")
    sent_at = serializers.DateTimeField(source="message.sent_at", allow_null=True)
    delivered_at = serializers.DateTimeField(source="message.delivered_at", allow_null=True)
    deliver_at = serializers.DateTimeField(
        source="message.deliver_at", allow_null=True, help_text="Remise programmée"
    )
    reply_to = serializers.IntegerField(source="message.reply_to_id", allow_null=True)
    urgent = serializers.BooleanField(source="message.urgent")
    no_reply = serializers.BooleanField(source="message.no_reply")
    acknowledgement_requested = serializers.BooleanField(source="message.acknowledgement_requested")
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    read_at = serializers.DateTimeField(allow_null=True)
    flagged = serializers.BooleanField()
    trashed_at = serializers.DateTimeField(allow_null=True)
    may_recall = serializers.SerializerMethodField(help_text="L'expéditeur peut le rappeler")
    attachments = serializers.SerializerMethodField()

    def _shown(self, copy: Copy, field: str) -> Any:  # DRF's serialized list
        shown = selectors.addresses_shown(
            copy.message, to_sender=copy.message.sender_id == copy.owner_id
        )
        return AddressOutputSerializer(shown[field], many=True).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, copy: Copy) -> str | None:
        return None if _hidden_from(copy) else copy.message.body

    @extend_schema_field(serializers.CharField())
    def get_notice(self, copy: Copy) -> str:
        return selectors.RECALLED if _hidden_from(copy) else ""

    @extend_schema_field(AddressOutputSerializer(many=True))
    def get_to(self, copy: Copy) -> Any:  # DRF's serialized list
        return self._shown(copy, Field.TO)

    @extend_schema_field(AddressOutputSerializer(many=True))
    def get_cc(self, copy: Copy) -> Any:  # DRF's serialized list
        return self._shown(copy, Field.CC)

    @extend_schema_field(AddressOutputSerializer(many=True))
    def get_bcc(self, copy: Copy) -> Any:  # DRF's serialized list
        return self._shown(copy, Field.BCC)

    @extend_schema_field(serializers.BooleanField())
    def get_may_recall(self, copy: Copy) -> bool:
        return copy.message.sender_id == copy.owner_id and services.may_recall(copy.message)

    @extend_schema_field(AttachmentOutputSerializer(many=True))
    def get_attachments(self, copy: Copy) -> Any:  # DRF's serialized list
        if _hidden_from(copy):
            return []
        files = copy.message.publication.attachments.all()
        return AttachmentOutputSerializer(files, many=True, context=self.context).data


class MessageThreadApi(ActorApi):
    @extend_schema_serializer(component_name="MessageThread")
    class OutputSerializer(serializers.Serializer):
        thread = serializers.IntegerField(help_text="Le premier message du fil")
        messages = ThreadMessageSerializer(many=True)

    @extend_schema(
        operation_id="messages_thread",
        summary="Un fil de messages",
        description="Les messages du fil que le compte détient (corbeille comprise), du plus "
        "ancien au plus récent. Les destinataires sont tels qu'écrits : un groupe par son nom "
        "(« Parents de CE2 A »), jamais ses membres ; les Cci pour l'expéditeur seul. Un "
        "message rappelé n'a plus ni texte ni pièces jointes pour ses destinataires. La lecture "
        "ne marque pas lu (``copies/read/``). Message hors de portée, ou brouillon : 404.",
        responses=OutputSerializer,
    )
    def get(self, request: Request, message_id: int) -> Response:
        owner_id = self.actor().id
        held = _held_by_caller(self.actor(), message_id)
        if held.box == Box.DRAFTS:
            raise Http404
        copies = selectors.thread_copies(owner_id, held.message)
        prefetch_related_objects(copies, "message__addresses", "message__publication__attachments")
        data = {"thread": held.message.thread_root_id, "messages": copies}
        return Response(self.OutputSerializer(data, context={"request": request}).data)


# --- compose ---------------------------------------------------------------------------------


@extend_schema_serializer(component_name="MessageRecipientInput")
class RecipientInputSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=Field.choices, default=Field.TO)
    person = serializers.IntegerField(required=False, help_text="Une personne (son id)")
    group = serializers.CharField(
        required=False, max_length=40, help_text="Un groupe (sa clé, ``recipients/``)"
    )

    def validate(self, attrs: dict) -> dict:
        if ("person" in attrs) == ("group" in attrs):
            raise serializers.ValidationError("Indiquez soit person, soit group.")
        return attrs


def _recipients(entries: list[dict[str, Any]]) -> list[services.Recipient]:
    return [
        services.Recipient(
            field=entry["field"], person_id=entry.get("person"), group_key=entry.get("group", "")
        )
        for entry in entries
    ]


@extend_schema_serializer(component_name="MessageDraftInput")
class DraftInputSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    body = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    recipients = RecipientInputSerializer(many=True, required=False, default=list)
    no_reply = serializers.BooleanField(
        required=False, default=False, help_text="« Sans réponse » (personnel seulement)"
    )
    acknowledgement_requested = serializers.BooleanField(
        required=False, default=False, help_text="Accusé de lecture (personnel seulement)"
    )

    def validate_recipients(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > services.MAX_ADDRESSES:
            raise serializers.ValidationError(
                f"Un message a au plus {services.MAX_ADDRESSES} destinataires ou groupes."
            )
        return value


@extend_schema_serializer(component_name="MessageDraft")
class DraftOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    recipients = AddressOutputSerializer(source="addresses", many=True)
    no_reply = serializers.BooleanField()
    acknowledgement_requested = serializers.BooleanField()
    reply_to = serializers.IntegerField(source="reply_to_id", allow_null=True)
    forwarded_from = serializers.IntegerField(source="forwarded_from_id", allow_null=True)
    updated_at = serializers.DateTimeField()
    attachments = AttachmentOutputSerializer(source="publication.attachments", many=True)


def _draft_answer(
    request: Request, owner_id: int, draft: Message, code: int = status.HTTP_200_OK
) -> Response:
    """The draft as it now stands, with its addresses and files (three queries)."""
    fresh = found_or_404(selectors.draft_of(owner_id, draft.pk))
    prefetch_related_objects([fresh], "addresses", "publication__attachments")
    return Response(DraftOutputSerializer(fresh, context={"request": request}).data, status=code)


class MessageDraftCreateApi(ActorApi):
    @extend_schema(
        operation_id="messages_drafts_create",
        summary="Nouveau brouillon",
        description="Tout peut être vide. Les destinataires : des personnes (``person``) et des "
        "groupes (``group``, leur clé), tels que ``recipients/`` les propose ; un destinataire "
        "que le compte ne peut pas écrire est refusé (400, rien n'est écrit). Les pièces "
        "jointes : ``/api/v1/attachments/`` avec ``message``.",
        request=DraftInputSerializer,
        responses={201: DraftOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        payload = DraftInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actor = self.actor()
        try:
            draft = services.draft_save(
                actor=actor,
                subject=data["subject"],
                body=data["body"],
                recipients=_recipients(data["recipients"]),
                no_reply=data["no_reply"],
                acknowledgement_requested=data["acknowledgement_requested"],
            )
        except services.MessagingError as error:
            raise _refused(error) from error
        return _draft_answer(request, actor.id, draft, status.HTTP_201_CREATED)


class MessageDraftDetailApi(ActorApi):
    @extend_schema(
        operation_id="messages_drafts_retrieve",
        summary="Un brouillon",
        description="Un brouillon du compte, ses destinataires tels qu'écrits. Sinon : 404.",
        responses=DraftOutputSerializer,
    )
    def get(self, request: Request, message_id: int) -> Response:
        owner_id = self.actor().id
        draft = found_or_404(selectors.draft_of(owner_id, message_id))
        return _draft_answer(request, owner_id, draft)


class MessageDraftUpdateApi(ActorApi):
    @extend_schema(
        operation_id="messages_drafts_update",
        summary="Enregistrer un brouillon",
        description="Remplace objet, texte et destinataires du brouillon (mêmes règles qu'à sa "
        "création). Brouillon hors de portée ou déjà envoyé : 404.",
        request=DraftInputSerializer,
        responses=DraftOutputSerializer,
    )
    def put(self, request: Request, message_id: int) -> Response:
        payload = DraftInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actor = self.actor()
        draft = found_or_404(selectors.draft_of(actor.id, message_id))
        try:
            draft = services.draft_save(
                actor=actor,
                draft=draft,
                subject=data["subject"],
                body=data["body"],
                recipients=_recipients(data["recipients"]),
                no_reply=data["no_reply"],
                acknowledgement_requested=data["acknowledgement_requested"],
            )
        except services.MessagingError as error:
            raise _refused(error) from error
        return _draft_answer(request, actor.id, draft)


class MessageDraftDeleteApi(ActorApi):
    @extend_schema(
        operation_id="messages_drafts_delete",
        summary="Supprimer un brouillon",
        description="Le brouillon et ses pièces jointes. Hors de portée : 404.",
        responses={204: None},
    )
    def delete(self, request: Request, message_id: int) -> Response:
        actor = self.actor()
        draft = found_or_404(selectors.draft_of(actor.id, message_id))
        try:
            services.draft_delete(actor=actor, draft=draft)
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageReplyApi(ActorApi):
    @extend_schema_serializer(component_name="MessageReplyInput")
    class InputSerializer(serializers.Serializer):
        to_all = serializers.BooleanField(
            required=False, default=False, help_text="Aussi aux destinataires (À, Cc)"
        )

    @extend_schema(
        operation_id="messages_reply",
        summary="Répondre",
        description="Un brouillon de réponse (à l'expéditeur ; ``to_all`` : aussi à ceux des "
        "destinataires à qui le compte peut écrire), le message cité. Un message « sans "
        "réponse », rappelé ou non remis est refusé (400). Hors de portée : 404.",
        request=InputSerializer,
        responses={201: DraftOutputSerializer},
    )
    def post(self, request: Request, message_id: int) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = self.actor()
        held = _held_by_caller(actor, message_id)
        try:
            draft = services.reply_draft(
                actor=actor, message=held.message, to_all=payload.validated_data["to_all"]
            )
        except services.MessagingError as error:
            raise _refused(error) from error
        return _draft_answer(request, actor.id, draft, status.HTTP_201_CREATED)


class MessageForwardApi(ActorApi):
    @extend_schema(
        operation_id="messages_forward",
        summary="Transférer",
        description="Un brouillon qui reprend le message ; ses destinataires sont à choisir. "
        "Un message rappelé ou non remis est refusé (400). Hors de portée : 404.",
        request=None,
        responses={201: DraftOutputSerializer},
    )
    def post(self, request: Request, message_id: int) -> Response:
        actor = self.actor()
        held = _held_by_caller(actor, message_id)
        try:
            draft = services.forward_draft(actor=actor, message=held.message)
        except services.MessagingError as error:
            raise _refused(error) from error
        return _draft_answer(request, actor.id, draft, status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="MessageGroupOffer")
class GroupOfferSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Ce que ``group`` d'un destinataire nomme")
    kind = serializers.ChoiceField(choices=GroupKind.choices, source="group.kind")
    label = serializers.CharField()  # type: ignore[assignment] # see FIELD_NAMES


class MessageRecipientsApi(ActorApi):
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=100, help_text="Un nom"
        )

    @extend_schema_serializer(component_name="MessageRecipients")
    class OutputSerializer(serializers.Serializer):
        people = PersonRefSerializer(many=True)
        groups = GroupOfferSerializer(many=True)

    @extend_schema(
        operation_id="messages_recipients",
        summary="À qui écrire",
        description="Les personnes à qui le compte peut écrire dont le nom contient ``q`` "
        "(accents et casse ignorés ; 20 au plus, dans l'ordre français), et les groupes qu'il "
        "peut écrire (« Parents de CE2 A »…) dont le nom le contient, selon les règles en "
        "vigueur (messagerie restreinte, suspension des élèves).",
        parameters=[FilterSerializer],
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        query = filters.validated_data["q"]
        actor = self.actor()
        words = [name_key(word)[0] for word in query.split()[:4]]
        offers = [
            offer
            for offer in groups.offers_for(actor, selectors.switches())
            if all(word in name_key(offer.label)[0] for word in words)
        ]
        data = {"people": selectors.people_for(actor, query), "groups": offers}
        return Response(self.OutputSerializer(data).data)


class MessageSendApi(ActorApi):
    @extend_schema_serializer(component_name="MessageSendInput")
    class InputSerializer(serializers.Serializer):
        confirmed = serializers.BooleanField(
            required=False, default=False, help_text="Envoyer malgré plus de 30 familles"
        )
        urgent = serializers.BooleanField(
            required=False,
            default=False,
            help_text="Remettre pendant les heures calmes (la direction seulement ; journalisé)",
        )

    @extend_schema_serializer(component_name="MessageSent")
    class OutputSerializer(serializers.Serializer):
        message = serializers.IntegerField(source="message.pk")
        state = serializers.ChoiceField(choices=State.choices)
        state_label = serializers.SerializerMethodField()
        deliver_at = serializers.DateTimeField(
            allow_null=True, help_text="Quand il sera (ou a été) remis"
        )

        @extend_schema_field(serializers.CharField())
        def get_state_label(self, sent: services.Sent) -> str:
            return str(State(sent.state).label)

    @extend_schema_serializer(component_name="MessageNeedsConfirmation")
    class ConfirmationSerializer(serializers.Serializer):
        detail = serializers.CharField()
        families = serializers.IntegerField()

    @extend_schema(
        operation_id="messages_drafts_send",
        summary="Envoyer un brouillon",
        description="Remis aussitôt, ou programmé à la fin des heures calmes, ou en attente de "
        "l'enseignant (messages d'élèves d'une classe modérée), ou retenu (au-delà des limites "
        "d'envoi) : ``state`` le dit, ``deliver_at`` dit quand. Plus de 30 familles : 409 "
        "tant que ``confirmed`` n'est pas donné. Refusé par les règles : 400, le brouillon "
        "reste tel quel. Brouillon hors de portée : 404.",
        request=InputSerializer,
        responses={200: OutputSerializer, 409: ConfirmationSerializer},
    )
    def post(self, request: Request, message_id: int) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = self.actor()
        draft = found_or_404(selectors.draft_of(actor.id, message_id))
        try:
            sent = services.message_send(actor=actor, draft=draft, **payload.validated_data)
        except services.NeedsConfirmation as question:
            return Response(
                {"detail": str(question), "families": question.families},
                status=status.HTTP_409_CONFLICT,
            )
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response(self.OutputSerializer(sent).data)


# --- acting on what one holds ----------------------------------------------------------------


class MessageRecallApi(ActorApi):
    @extend_schema_serializer(component_name="MessageRecalled")
    class OutputSerializer(serializers.Serializer):
        message = serializers.IntegerField(source="pk")
        recalled_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="messages_recall",
        summary="Rappeler un message",
        description="Par son expéditeur, dans l'heure qui suit sa remise : ses destinataires "
        "lisent alors « Message rappelé par l'expéditeur. ». Sinon : 400. Hors de portée : 404.",
        request=None,
        responses=OutputSerializer,
    )
    def post(self, request: Request, message_id: int) -> Response:
        actor = self.actor()
        held = _held_by_caller(actor, message_id)
        try:
            message = services.message_recall(actor=actor, message=held.message)
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response(self.OutputSerializer(message).data)


class MessageReportApi(ActorApi):
    @extend_schema_serializer(component_name="MessageReportInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema_serializer(component_name="MessageReport")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        message = serializers.IntegerField(source="message_id")
        created_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="messages_report",
        summary="Signaler un message",
        description="Un message reçu est transmis aux référents de la commune (une fois par "
        "compte : un second signalement renvoie le premier). Un message qui n'a pas été reçu : "
        "400. Hors de portée : 404.",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request: Request, message_id: int) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = self.actor()
        held = _held_by_caller(actor, message_id)
        try:
            report = services.message_report(
                actor=actor, copy=held, reason=payload.validated_data["reason"]
            )
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response(self.OutputSerializer(report).data)


@extend_schema_serializer(component_name="MessageCopySelection")
class SelectionSerializer(serializers.Serializer):
    copies = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=1,
        max_length=200,
        help_text="Des exemplaires du compte (``id`` des listes)",
    )


@extend_schema_serializer(component_name="MessageCopiesChanged")
class ChangedSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="Combien ont changé")


def _selection(api: ActorApi, request: Request, serializer: type = SelectionSerializer) -> Any:
    """The validated selection, every copy of which the caller holds (else 404, nothing
    changed)."""
    payload = serializer(data=request.data)
    payload.is_valid(raise_exception=True)
    wanted = set(payload.validated_data["copies"])
    if selectors.held_copy_ids(api.actor().id, sorted(wanted)) != wanted:
        raise Http404
    return payload.validated_data


def _copies_operation(
    operation_id: str, summary: str, description: str
) -> Any:  # the shared schema of the selection operations
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description + " Un exemplaire hors de portée : 404, rien ne change.",
        request=SelectionSerializer,
        responses=ChangedSerializer,
    )


class MessageMarkReadApi(ActorApi):
    @_copies_operation("messages_copies_read", "Marquer lu", "Les messages choisis sont lus.")
    def post(self, request: Request) -> Response:
        data = _selection(self, request)
        changed = services.copies_mark_read(
            owner_id=self.actor().id, copy_ids=data["copies"], read=True
        )
        return Response({"changed": changed})


class MessageMarkUnreadApi(ActorApi):
    @_copies_operation(
        "messages_copies_unread", "Marquer non lu", "Les messages choisis redeviennent non lus."
    )
    def post(self, request: Request) -> Response:
        data = _selection(self, request)
        changed = services.copies_mark_read(
            owner_id=self.actor().id, copy_ids=data["copies"], read=False
        )
        return Response({"changed": changed})


class MessageTrashApi(ActorApi):
    @_copies_operation(
        "messages_copies_trash",
        "Mettre à la corbeille",
        "Les messages choisis vont à la corbeille (30 jours) ; un brouillon est supprimé.",
    )
    def post(self, request: Request) -> Response:
        data = _selection(self, request)
        changed = services.copies_trash(owner_id=self.actor().id, copy_ids=data["copies"])
        return Response({"changed": changed})


class MessageRestoreApi(ActorApi):
    @_copies_operation(
        "messages_copies_restore",
        "Restaurer",
        "Les messages choisis sortent de la corbeille, vers leur boîte ou leur dossier.",
    )
    def post(self, request: Request) -> Response:
        data = _selection(self, request)
        changed = services.copies_restore(owner_id=self.actor().id, copy_ids=data["copies"])
        return Response({"changed": changed})


class MessageMoveApi(ActorApi):
    @extend_schema_serializer(component_name="MessageCopyMove")
    class InputSerializer(SelectionSerializer):
        folder = serializers.IntegerField(
            allow_null=True, help_text="Un dossier du compte ; null : retour dans la boîte"
        )

    @extend_schema(
        operation_id="messages_copies_move",
        summary="Classer",
        description="Les messages choisis (hors brouillons) vont dans un dossier du compte, ou "
        "retournent dans leur boîte (``folder`` null) ; ceux de la corbeille en sortent. Un "
        "exemplaire ou un dossier hors de portée : 404, rien ne change.",
        request=InputSerializer,
        responses=ChangedSerializer,
    )
    def post(self, request: Request) -> Response:
        data = _selection(self, request, self.InputSerializer)
        owner_id = self.actor().id
        folder = None
        if data["folder"] is not None:
            folder = found_or_404(selectors.folder_of(owner_id, data["folder"]))
        try:
            changed = services.copies_move(
                owner_id=owner_id, copy_ids=data["copies"], folder=folder
            )
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response({"changed": changed})


# --- moderation ------------------------------------------------------------------------------


@extend_schema_serializer(component_name="MessageModerated")
class ModerationOutputSerializer(SenderFieldsMixin):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    classroom = serializers.IntegerField(source="moderation_class_id")
    classroom_name = serializers.CharField(source="moderation_class.name")
    sent_at = serializers.DateTimeField()
    recipients = AddressOutputSerializer(
        source="addresses", many=True, help_text="À, Cc et Cci, tels qu'écrits"
    )
    attachments = AttachmentOutputSerializer(source="publication.attachments", many=True)


class MessageModerationListApi(ActorApi):
    pagination_class = MessagePagination

    @extend_schema(
        operation_id="messages_moderation_list",
        summary="Messages d'élèves à valider",
        description="Pour les enseignants : les messages des élèves de leurs classes qui "
        "attendent leur validation, les plus anciens d'abord, par pages de 25. Pour un autre "
        "compte, la liste est vide.",
        responses=ModerationOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        queue = selectors.moderation_queue(self.actor()).select_related("publication")
        paginator = self.pagination_class()
        page: list[Message] = paginator.paginate_queryset(queue, request, view=self) or []
        prefetch_related_objects(page, "addresses", "publication__attachments")
        return paginator.get_paginated_response(
            ModerationOutputSerializer(page, many=True, context={"request": request}).data
        )


@extend_schema_serializer(component_name="MessageReviewed")
class ReviewedSerializer(serializers.Serializer):
    message = serializers.IntegerField(source="pk")
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField(source="get_state_display")


class MessageApproveApi(ActorApi):
    @extend_schema_serializer(component_name="MessageApproveInput")
    class InputSerializer(serializers.Serializer):
        subject = serializers.CharField(
            max_length=200, required=False, allow_blank=True, help_text="Corrigé, s'il le faut"
        )
        body = serializers.CharField(
            required=False, allow_blank=True, trim_whitespace=False, help_text="Corrigé"
        )

    @extend_schema(
        operation_id="messages_moderation_approve",
        summary="Valider un message d'élève",
        description="Le message (corrigé si ``subject`` ou ``body`` sont donnés) est remis "
        "aussitôt. Hors de portée ou déjà décidé : 404.",
        request=InputSerializer,
        responses=ReviewedSerializer,
    )
    def post(self, request: Request, message_id: int) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = self.actor()
        found_or_404(selectors.moderated_message(actor, message_id))
        try:
            message = services.moderation_approve(
                actor=actor, message_id=message_id, **payload.validated_data
            )
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response(ReviewedSerializer(message).data)


class MessageRefuseApi(ActorApi):
    @extend_schema_serializer(component_name="MessageRefuseInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            max_length=300,
            required=False,
            allow_blank=True,
            default="",
            help_text="Montré à l'élève",
        )

    @extend_schema(
        operation_id="messages_moderation_refuse",
        summary="Refuser un message d'élève",
        description="Le message n'est pas remis ; l'élève voit le motif. Hors de portée ou "
        "déjà décidé : 404.",
        request=InputSerializer,
        responses=ReviewedSerializer,
    )
    def post(self, request: Request, message_id: int) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = self.actor()
        found_or_404(selectors.moderated_message(actor, message_id))
        try:
            message = services.moderation_refuse(
                actor=actor, message_id=message_id, reason=payload.validated_data["reason"]
            )
        except services.MessagingError as error:
            raise _refused(error) from error
        return Response(ReviewedSerializer(message).data)
