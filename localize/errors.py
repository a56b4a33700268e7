"""The error hierarchy: every failure the library reports is one of these."""


class LocalizeError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1


class BadInput(LocalizeError):
    """The input is wrong (a code, a file, an argument); exit status 2."""

    exit_code = 2


class LanguageError(BadInput):
    """A language code that is malformed or unknown."""


class WorkspaceError(BadInput):
    """No workspace, a bad setting, or a slug that cannot name a file."""


class ArticleError(BadInput):
    """An HTML article that cannot be read whole."""


class CatalogError(BadInput):
    """A catalog that is not valid gettext; names the file and line."""

    def __init__(self, message, path=None, line=None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(where + message)


class ConflictError(LocalizeError):
    """Work would be overwritten; nothing was changed."""


class Unavailable(LocalizeError):
    """A service the work needs (the job queue) cannot be reached or is not set up right (HTTP 503)."""


class Busy(LocalizeError):
    """A resource is held by someone else for too long (HTTP 503, with Retry-After)."""

    def __init__(self, message: str, retry_after: int = 5):
        super().__init__(message)
        self.retry_after = retry_after
