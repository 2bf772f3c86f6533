"""The attachments part of a notebook's form: files to join (several at once) and, when the
item may still change, the attachments to remove. A form of its own beside the notebook's, so
that the notebook's cleaned data still maps onto its services' arguments."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404

from apps.accounts.models import User
from apps.attachments.kinds import ACCEPT_ATTRIBUTE, ACCEPTED_TEXT
from apps.attachments.models import Attachment
from apps.attachments.services import (
    MAX_PER_ITEM,
    AttachmentError,
    AttachmentNotAllowed,
    attachments_change,
    files_atomic,
    max_bytes,
    size_text,
)
from apps.homework.models import HomeworkEntry
from apps.liaison.models import LiaisonNote

Item = TypeVar("Item", HomeworkEntry, LiaisonNote)


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

    def __init__(
        self, *args: Any, existing: Iterable[Attachment] = (), removable: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = (
            f"{ACCEPTED_TEXT} ; {size_text(max_bytes())} au plus par fichier, "
            f"{MAX_PER_ITEM} pièces jointes au plus. Les photos perdent leurs métadonnées "
            "(lieu de la prise de vue, appareil)."
        )
        existing = list(existing)
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


def save_with_files(user: User, files: AttachmentsForm, write: Callable[[], Item]) -> Item | None:
    """``write`` the entry or note and change its files in one transaction: a refused file
    leaves neither (``files`` then carries the reason, and None is returned). Someone who may
    not change the item's files gets a 404, as for an item they cannot see."""
    try:
        with files_atomic():
            item = write()
            if isinstance(item, HomeworkEntry):
                attachments_change(
                    user=user, homework_entry=item, add=files.uploads, remove_ids=files.remove_ids
                )
            else:
                attachments_change(
                    user=user, liaison_note=item, add=files.uploads, remove_ids=files.remove_ids
                )
            return item
    except AttachmentError as error:
        files.add_error("attachments", str(error))
        return None
    except AttachmentNotAllowed as error:
        raise Http404 from error
