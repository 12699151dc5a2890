"""How drf-spectacular documents the personal token scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "jetonPersonnel"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton personnel créé sur la page « Jetons d'API » du profil "
            "(en-tête « Authorization: Bearer dla_… »). Lecture seule.",
        }


ERROR_SCHEMA = {
    "type": "object",
    "description": "Erreur : message en français, code stable, détail par paramètre (400).",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code"],
}
ERRORS = {
    "400": "Paramètre invalide (voir « errors »).",
    "401": "Jeton absent, invalide, expiré ou révoqué.",
    "403": "Hors de vos droits (lecture seule ; jeu national réservé).",
    "404": "Introuvable, ou hors de votre périmètre.",
    "429": "Trop de requêtes pour ce jeton (en-tête Retry-After).",
}


def document_errors(result, generator, request, public):
    """Every API operation may answer these errors, all with the same JSON shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Erreur"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or path.startswith(("/api/v1/schema", "/api/v1/docs")):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}
                        },
                    },
                )
    return result
