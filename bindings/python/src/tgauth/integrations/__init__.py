"""Mini App authentication for web frameworks, each a thin module over the same validators:

  tgauth.integrations.fastapi   a dependency (FastAPI and Starlette)      pip install tgauth[fastapi]
  tgauth.integrations.aiohttp   a handler decorator (aiohttp, aiogram)    pip install tgauth[aiohttp]
  tgauth.integrations.flask     a view decorator, and the Login Widget callback    pip install tgauth[flask]

Each reads `Authorization: tma <initData>`, validates it with a validator made once (by bot token, or by bot
id for third-party data), and hands the endpoint the typed `InitData`. A rejection is a 401 with the JSON
body `{"error": kind, "detail": message}` and `WWW-Authenticate: tma`. Importing this package imports no
framework; each module imports only its own.
"""
