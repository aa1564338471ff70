"""The embedded demo Nmbrs REST API and its identity service (ASGI, served by uvicorn).

Import :func:`start_rest_demo_server` from :mod:`nmbrs_demo.rest.server`; this package file
stays empty so importing a submodule does not start loading Starlette.
"""
