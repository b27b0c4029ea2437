"""A private page that sends the browser to a sign-in URL, so the URL stays out of argv.

The sign-in URL is a bearer secret. Passed to a browser as an argument, any local user could
read it from the process list; a file readable only by its owner, whose ``file://`` path is all
that appears in arguments, is not. The page is deleted once the browser has had time to read it
(a detached remover), and any page a killed remover left behind goes on the next run.
"""

from __future__ import annotations

import html
import json
import os
import sys
import time

from asso import paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional

PAGE_PREFIX = "signin-"
PAGE_SUFFIX = ".html"
DEFAULT_LIFETIME = 30.0  # seconds the browser gets to read the page
LIFETIME_VARIABLE = "ASSO_CONSOLE_PAGE_SECONDS"

# The remover: a second interpreter, in its own session, so ``asso console`` returns at once.
_REMOVER = (
    "import os,sys,time\n"
    "time.sleep(float(sys.argv[2]))\n"
    "try: os.unlink(sys.argv[1])\n"
    "except OSError: pass\n"
)


def pages_dir() -> str:
    return os.path.join(paths.user_cache_dir(), "console")


def page_lifetime(env: Mapping[str, str] = os.environ) -> float:
    raw = env.get(LIFETIME_VARIABLE, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_LIFETIME
    except ValueError:
        value = DEFAULT_LIFETIME
    return value if 0 < value < 3600 else DEFAULT_LIFETIME


def page_html(url: str) -> bytes:
    """A page that replaces itself with ``url`` at once (script, else a meta refresh)."""
    attribute = html.escape(url, quote=True)
    # json.dumps gives a JS string literal; '<' escaped so '</script>' cannot end the script.
    literal = json.dumps(url).replace("<", "\\u003c")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<meta name="referrer" content="no-referrer">'
        f'<meta http-equiv="refresh" content="0;url={attribute}">'
        "<title>AWS console</title>"
        f"<script>window.location.replace({literal});</script>"
        "</head><body>Opening the AWS console&hellip;</body></html>\n"
    ).encode()


def _private_dir(directory: str) -> None:
    """Create ``directory`` 0700; refuse one that is a link or not the user's own."""
    import stat

    os.makedirs(directory, mode=0o700, exist_ok=True)
    st = os.lstat(directory)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        raise OSError(f"{directory} is not a directory of this user")
    if stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(directory, 0o700)


def remove_stale(directory: str, older_than: float, now: Optional[float] = None) -> None:
    now = time.time() if now is None else now
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if not (name.startswith(PAGE_PREFIX) and name.endswith(PAGE_SUFFIX)):
            continue
        path = os.path.join(directory, name)
        try:
            if now - os.lstat(path).st_mtime > older_than:
                os.unlink(path)
        except OSError:
            pass


def write_page(
    url: str, directory: Optional[str] = None, lifetime: float = DEFAULT_LIFETIME
) -> str:
    """Write the page, mode 0600, under a fresh random name; return its path."""
    directory = directory or pages_dir()
    _private_dir(directory)
    remove_stale(directory, older_than=lifetime)
    path = os.path.join(directory, f"{PAGE_PREFIX}{os.urandom(12).hex()}{PAGE_SUFFIX}")
    # O_EXCL|O_NOFOLLOW: never write through a planted link or into someone else's file.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        data = memoryview(page_html(url))
        while data:
            data = data[os.write(fd, data) :]
    except BaseException:
        os.close(fd)
        os.unlink(path)
        raise
    os.close(fd)
    return path


def file_url(path: str) -> str:
    from urllib.parse import quote

    return "file://" + quote(os.path.abspath(path))


def remove_later(path: str, delay: float) -> None:
    """Delete ``path`` after ``delay`` seconds, from a detached process."""
    from asso.proc import spawn_detached

    try:
        spawn_detached([sys.executable, "-I", "-S", "-c", _REMOVER, path, str(delay)])
    except OSError:
        pass  # the next run's remove_stale deletes it
