"""What every part of the command line shares: the exit statuses and the error a person caused."""

EXIT_OK, EXIT_NONE_DUE, EXIT_ERROR = 0, 1, 2


class CliError(Exception):
    """A mistake in what was asked: printed as one line on stderr, exit status 2."""
