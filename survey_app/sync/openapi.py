"""One OpenAPI description for the app's JSON APIs, served at /api/openapi.json (flask-smorest)."""

from flask import Flask
from flask_smorest import Api

from household_forms.sync import StrictBool, Tri
from household_forms.sync_api import ErrorOut

DEFAULTS = {
    "API_TITLE": "Khảo sát chuyển đổi số hộ gia đình — API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}


class JsonApi(Api):
    """flask-smorest's Api, minus its app-wide JSON error handler.

    The pages keep their HTML error pages; each API blueprint answers its own errors in JSON.
    """

    ERROR_SCHEMA = ErrorOut

    def _register_error_handlers(self):
        pass


def get_api(app: Flask) -> JsonApi:
    """The app's Api, made on first use so several API blueprints can share one description."""
    apis = app.extensions.get("flask-smorest", {}).get("apis", {})
    if "" in apis:
        return apis[""]["ext_obj"]
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    api = JsonApi(app)
    api.register_field(Tri, "boolean", None)
    api.register_field(StrictBool, "boolean", None)
    api.spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    api.spec.components.security_scheme(
        "csrf", {"type": "apiKey", "in": "header", "name": "X-CSRFToken"}
    )
    return api


def document(blueprint) -> None:
    """Add ``blueprint``'s routes to the description when the app registers it.

    Call it after the routes are declared: the description is built from the app's URL map.
    """

    def setup(state):
        api = get_api(state.app)
        state.app.extensions["flask-smorest"]["blp_name_to_api"][blueprint.name] = api
        blueprint.register_views_in_doc(
            api, state.app, api.spec, name=blueprint.name, parameters=None
        )
        api.spec.tag({"name": blueprint.name, "description": blueprint.description})

    blueprint.record_once(setup)
