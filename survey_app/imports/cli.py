"""`flask import-households FILE --province NAME --commune NAME`. (Filled in by the import work.)"""

import click


@click.command("import-households")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--province", required=True)
@click.option("--commune", required=True)
def import_households(file, province, commune):
    """Import households from CSV or XLSX."""
    raise click.ClickException("not implemented yet")
