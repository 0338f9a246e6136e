"""`flask indicators ...` (Filled in by issue 3.)"""

import click


@click.command("indicators")
def indicators():
    """Print a criteria set's indicators for a commune as JSON."""
    raise click.ClickException("not implemented yet")
