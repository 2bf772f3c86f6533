"""The person's data as a zip: ``donnees.json`` (every row, by table), the files they gave
under ``fichiers/``, and a French ``LISEZMOI.txt`` saying what is inside and what is not."""

from __future__ import annotations

import io
import json
import zipfile

from django.utils import timezone

from apps.french.formatting import datetime_fr
from apps.privacy.selectors import REDACTED, PersonalData

README = """Vos données dans l'ENT de {commune}

Ce fichier a été produit le {when} pour {who} (identifiant {username}).

- donnees.json : tout ce que l'ENT conserve sur cette personne, table par table
  ({rows} ligne(s)). Chaque table est présentée par son nom en français.
- fichiers/ : les fichiers que cette personne a déposés ({files} fichier(s)).

Les secrets de connexion (mot de passe, clés de double authentification, jetons, codes
d'activation) ne sont jamais exportés : la mention « {redacted} » indique seulement qu'ils
existent.

Pour faire rectifier ou effacer ces données, adressez-vous à l'administrateur de l'ENT de
votre commune (ou au délégué à la protection des données de la commune).
"""


def personal_zip(data: PersonalData, *, commune_name: str) -> bytes:
    buffer = io.BytesIO()
    user = data.user
    document = {
        "personne": {"identifiant": user.username, "nom": user.display_name},
        "produit_le": timezone.now().isoformat(),
        "tables": [
            {"table": key, "libelle": data.labels.get(key, key), "lignes": rows}
            for key, rows in data.tables.items()
        ],
    }
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "LISEZMOI.txt",
            README.format(
                commune=commune_name,
                when=datetime_fr(timezone.localtime()),
                who=user.display_name,
                username=user.username,
                rows=data.row_count(),
                files=len(data.files),
                redacted=REDACTED,
            ),
        )
        archive.writestr(
            "donnees.json", json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
        )
        for name, stored in data.files:
            with stored.open("rb") as handle:
                archive.writestr(f"fichiers/{name}", handle.read())
    return buffer.getvalue()
