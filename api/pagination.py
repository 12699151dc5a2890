"""Cursor pagination: stable under inserts, no COUNT query, positions on the id."""

import base64
import hashlib
from urllib import parse

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.utils.urls import replace_query_param

INVALID_CURSOR = "Curseur de pagination invalide : reprenez le lien « next » d'une réponse."


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = INVALID_CURSOR
    cursor_query_description = "Position : la valeur du lien « next » ou « previous »."
    page_size_query_description = "Nombre d'éléments par page (50 par défaut, 200 au plus)."

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # DRF passes the position to the database as is: a non-integer would be a 500.
        if cursor is not None and cursor.position is not None:
            try:
                int(cursor.position)
            except ValueError:
                raise NotFound(INVALID_CURSOR) from None
        return cursor

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                size = 0
            if not 1 <= size <= self.max_page_size:
                raise ValidationError(
                    {self.page_size_query_param: [f"Entier entre 1 et {self.max_page_size}."]}
                )
        return super().get_page_size(request)


class SealedCursorPagination(IdCursorPagination):
    """For the anonymised dataset: the cursor must not reveal the id behind a pseudonym."""

    ordering = "pk"

    @staticmethod
    def _fernet() -> Fernet:
        key = hashlib.sha256(f"api-dataset-cursor:{settings.SECRET_KEY}".encode()).digest()
        return Fernet(base64.urlsafe_b64encode(key))

    def encode_cursor(self, cursor):
        tokens = {"o": str(cursor.offset), "r": "1" if cursor.reverse else "0"}
        if cursor.position is not None:
            tokens["p"] = cursor.position
        sealed = self._fernet().encrypt(parse.urlencode(tokens).encode()).decode()
        return replace_query_param(self.base_url, self.cursor_query_param, sealed)

    def decode_cursor(self, request):
        sealed = request.query_params.get(self.cursor_query_param)
        if sealed is None:
            return None
        try:
            tokens = parse.parse_qs(self._fernet().decrypt(sealed.encode()).decode())
            offset = int(tokens.get("o", ["0"])[0])
            position = tokens.get("p", [None])[0]
            if position is not None:
                int(position)
        except (InvalidToken, ValueError, UnicodeError):
            raise NotFound(INVALID_CURSOR) from None
        return Cursor(
            offset=min(max(offset, 0), self.offset_cutoff),
            reverse=tokens.get("r", ["0"])[0] == "1",
            position=position,
        )
