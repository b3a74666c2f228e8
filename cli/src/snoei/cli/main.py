"""``snoei``: the command line of Snoei (local stack, imports, runs and proposals)."""

from __future__ import annotations

import typer

from snoei.cli import imports, rationalize, stack

app = typer.Typer(
    name="snoei",
    help="Snoei keeps a live model of your application landscape and proposes what to prune.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(stack.app, name="stack")
app.add_typer(imports.app)
app.add_typer(rationalize.app)


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
    from snoei.cli.bench.environment import BenchError
    from snoei.cli.bench.runner import UnknownScenario, run_bench
    from snoei.cli.embedded import EmbeddedServerError

    try:
        report = run_bench(scenario, quick=quick)
    except (UnknownScenario, BenchError, EmbeddedServerError) as exc:
        typer.echo(f"snoei bench: {exc}", err=True)
        raise typer.Exit(1) from None
    if any(r["error"] for r in report["results"].values()):
        raise typer.Exit(1)
