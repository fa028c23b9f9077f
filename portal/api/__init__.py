"""The REST API's cross-cutting pieces: tokens, scopes, errors, throttling, the instance.

The routers of the apps live in `startups/api.py` and `programs/api.py`;
the root URLconf (`portal/urls.py`) builds the instance with them
(`portal.api.site.api_build`), so that nothing here imports an app.
"""
