"""User-facing errors: one line that says what is wrong and what to do."""

EXIT_BAD_INPUT = 2  # a user error: bad option, missing file, a name that does not exist


class LabError(Exception):
    """An error the CLI prints as one line (no traceback) before exiting non-zero."""

    def __init__(self, message: str, hint: str = "", exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message
