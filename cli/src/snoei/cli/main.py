"""``snoei``: the command line of Snoei (local stack, imports, runs and proposals)."""

from __future__ import annotations

import typer

from snoei.cli import imports, stack

app = typer.Typer(
    name="snoei",
    help="Snoei keeps a live model of your application landscape and proposes what to prune.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(stack.app, name="stack")
app.add_typer(imports.app)


@app.command()
def demo() -> None:
    """Run the main job: the embedded stack, a sample municipality, proposals and a report."""
    typer.echo("not yet: the one-command demo lands with the demo issue (#6)")


@app.command()
def bench(
    scenario: str | None = typer.Option(None, help="Run one scenario, e.g. B3."),
    quick: bool = typer.Option(False, "--quick", help="CI smoke size."),
) -> None:
    """Run the benchmarks and write bench/results/latest.json."""
    typer.echo("not yet: the benchmark suite lands with the benchmarks issue (#7)")
