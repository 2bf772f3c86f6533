"""The attachments part of a notebook's form: files to join (several at once) and, when the
item may still change, the attachments to remove. A form of its own beside the notebook's, so
that the notebook's cleaned data still maps onto its services' arguments.

A browser never sends a file again, so ``keep`` stores the chosen files *pending* as soon as
they pass their checks: a form refused for another field shows them as kept (each with a
box to remove it) and carries their token in a hidden field, and its next successful save
joins them to the item (``save_with_files``, over the service ``attachments_save_with``)
without choosing them again."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, QueryDict

from apps.accounts.models import User
from apps.attachments.kinds import ACCEPT_ATTRIBUTE, ACCEPTED_TEXT
from apps.attachments.models import Attachment
from apps.attachments.selectors import Pending, pending_rows
from apps.attachments.services import (
    MAX_PER_ITEM,
    AttachmentError,
    AttachmentNotAllowed,
    Item,
    attachments_keep_pending,
    attachments_save_with,
    max_bytes,
    new_pending_token,
    size_text,
)

__all__ = ["AttachmentsForm", "Item", "save_with_files"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files if file]


class AttachmentsForm(forms.Form):
    attachments = MultipleFileField(label="Joindre des fichiers", required=False)
    remove_attachments = forms.TypedMultipleChoiceField(
        label="Retirer des pièces jointes",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The kept files' token; their boxes ("remove_pending") are drawn by the template.
    pending_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        user: User,
        form_key: str,
        existing: Iterable[Attachment] = (),
        removable: bool = True,
        **kwargs: Any,
    ) -> None:
        """``form_key`` names the form and its item (``homework:edit:12``): pending files
        wait for that form only."""
        super().__init__(*args, **kwargs)
        self.user, self.form_key = user, form_key
        self.token: str | None = None
        self.pending: list[Attachment] = []
        raw = self.data.get("pending_token") if self.is_bound else None
        if isinstance(raw, str) and 0 < len(raw) <= 64:
            # Someone else's token, or an old one, finds nothing of this user: ignored.
            self.pending = list(pending_rows(user, Pending(form_key, raw)))
            self.token = raw if self.pending else None
        self.fields["attachments"].help_text = (
            f"{ACCEPTED_TEXT} ; {size_text(max_bytes())} au plus par fichier, "
            f"{MAX_PER_ITEM} pièces jointes au plus. Les photos perdent leurs métadonnées "
            "(lieu de la prise de vue, appareil)."
        )
        existing = self.existing = list(existing)
        if existing and removable:
            self.fields["remove_attachments"].choices = [  # type: ignore[attr-defined]
                (a.pk, f"{a.original_name} ({a.type_label}, {size_text(a.size)})") for a in existing
            ]
        else:
            del self.fields["remove_attachments"]

    @property
    def uploads(self) -> list[UploadedFile]:
        return list(self.cleaned_data.get("attachments") or [])

    @property
    def remove_ids(self) -> list[int]:
        return list(self.cleaned_data.get("remove_attachments") or [])

    @property
    def claim(self) -> Pending | None:
        return Pending(self.form_key, self.token) if self.token else None

    def keep(self) -> bool:
        """Validate, remove the kept files whose box is ticked, and store the chosen files
        as pending (all of them, or none if one is refused: the error says why). True if
        the item may be saved with them."""
        if not self.is_valid():
            return False
        asked = set(_values(self.data, "remove_pending"))
        remove = [a.pk for a in self.pending if str(a.pk) in asked]
        if self.uploads or remove:
            token = self.token or new_pending_token()
            staying = sum(1 for a in self.existing if a.pk not in self.remove_ids)
            try:
                self.pending = attachments_keep_pending(
                    user=self.user,
                    pending=Pending(self.form_key, token),
                    add=self.uploads,
                    remove_ids=remove,
                    already=staying,
                )
            except AttachmentError as error:
                self.add_error("attachments", str(error))
                self.pending = list(pending_rows(self.user, Pending(self.form_key, token)))
            self.token = token if self.pending else None
        # The page shown again carries this user's token (a new one, maybe, or none if the
        # one sent found nothing of theirs) in its hidden field.
        data: QueryDict | dict[str, Any] = (
            self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        )
        data["pending_token"] = self.token or ""
        self.data = data
        return not self.errors


def _values(data: Any, name: str) -> list[str]:
    if isinstance(data, QueryDict):
        return data.getlist(name)
    value = data.get(name)
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value or "")]


def save_with_files(
    user: User, files: AttachmentsForm, write: Callable[[], Item], *, created: bool = False
) -> Item | None:
    """``write`` the item and change its files in one transaction (``attachments_save_with``):
    the files kept by ``files.keep()`` are joined to it, the ticked ones removed. A refused
    change leaves neither (``files`` then carries the reason, the kept files stay kept, and
    None is returned). Someone who may not change the item's files gets a 404, as for an
    item they cannot see. ``created``: ``write`` creates the item (its service checked the
    author's right to)."""
    try:
        return attachments_save_with(
            user=user,
            write=write,
            remove_ids=files.remove_ids,
            claim=files.claim,
            created=created,
        )
    except AttachmentError as error:
        files.add_error("attachments", str(error))
        return None
    except AttachmentNotAllowed as error:
        raise Http404 from error
