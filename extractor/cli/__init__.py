"""The `extractor` command: a thin layer over the library. Only this package prints."""
import sys
from typing import List, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Militant groups, people, alliances, rivalries and leadership from analytic prose.")
corpus_app = typer.Typer(no_args_is_help=True, help="Build and describe the annotated corpus.")
app.add_typer(corpus_app, name="corpus")

from . import commands  # noqa: E402,F401  (registers the commands)


def main(argv: Optional[List[str]] = None) -> None:
    """Entry point: user errors become one line on stderr and exit status 2, not a traceback."""
    try:
        status = app(args=argv, standalone_mode=False)
    except (FileNotFoundError, ValueError, TypeError, PermissionError, IsADirectoryError) as err:
        typer.echo(f"extractor: error: {err}", err=True)
        sys.exit(2)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as err:  # usage errors of typer's bundled click arrive here in non-standalone mode
        if hasattr(err, "format_message") and hasattr(err, "exit_code"):
            context = getattr(err, "ctx", None)
            hint = f" (see '{context.command_path} --help')" if context is not None else ""
            typer.echo(f"extractor: error: {err.format_message()}{hint}", err=True)
            sys.exit(err.exit_code)
        if type(err).__name__ == "Abort":
            sys.exit(130)
        raise
    sys.exit(status if isinstance(status, int) else 0)
