"""The generator's ceiling: a WSGI app that does nothing, on the same server."""

_BODY = b"ok\n"
_HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(_BODY)))]


def application(environ, start_response):
    start_response("200 OK", _HEADERS)
    return [_BODY]
