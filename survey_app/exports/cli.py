"""`flask export-evidence ...` (Filled in by issue 4.)"""

import click


@click.command("export-evidence")
def export_evidence():
    """Write evidence lists / summary / draft report to a file."""
    raise click.ClickException("not implemented yet")
