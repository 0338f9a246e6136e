"""Demo data commands. (Filled in by the demo work.)"""

import click


@click.command("load-demo")
def load_demo():
    """Load the demo commune once."""


@click.command("generate-demo")
@click.option("--communes", type=int, default=1)
@click.option("--households-per-commune", type=int, default=1500)
def generate_demo(communes, households_per_commune):
    """Generate realistic data."""
