"""The web service: the public check page, the JSON API under ``/api/v1`` and the analyst
dashboard under ``/app``, in one FastAPI application (docs/web.md).

    >>> from waspada.api import ServeConfig, create_app
    >>> app = create_app(ServeConfig(db=Path("intel.duckdb")))   # then run it with uvicorn

``waspada serve`` does that. The modules, by role: ``app`` (the factory), ``settings``,
``deps`` (who is asking, which store), ``accounts`` (passwords and API keys), ``security``
(sessions, CSRF, headers, size limit), ``ratelimit``, ``i18n``, ``hotlines``, ``present`` (an
assessment as the API and the pages show it), and the routes by audience: ``public``,
``api_v1``, ``dashboard``, ``auth``.
"""

from waspada.api.app import create_app
from waspada.api.settings import ServeConfig

__all__ = ["ServeConfig", "create_app"]
