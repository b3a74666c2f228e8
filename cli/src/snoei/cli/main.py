"""``snoei``: the command line of Snoei (local stack, imports, runs and proposals)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from snoei.cli import catalogue, exports, history, imports, plans, rationalize, stack

app = typer.Typer(
    name="snoei",
    help="Snoei keeps a live model of your application landscape and proposes what to prune.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(stack.app, name="stack")
app.add_typer(imports.app)
app.add_typer(rationalize.app)
app.add_typer(plans.app)
app.add_typer(history.app)
app.add_typer(catalogue.app, name="catalogue")
app.add_typer(exports.app)  # snoei export inventory|graph|proposals, snoei portfolio


class Lang(StrEnum):
    EN = "en"
    NL = "nl"


@app.command()
def demo(
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the report.")] = Lang.EN,
    keep: Annotated[
        bool, typer.Option("--keep", help="Leave the stack running to query its APIs.")
    ] = False,
    out: Annotated[Path, typer.Option("--out", help="Where to write the HTML report.")] = Path(
        "reports/snoei-report.html"
    ),
    timeout: Annotated[
        float, typer.Option(min=1, help="Seconds to wait for each stage (start, evaluation).")
    ] = 90,
    pg_port: stack.PgPort = stack.PG_PORT,
    broker_port: stack.BrokerPort = stack.BROKER_PORT,
    inventory_port: stack.InventoryPort = stack.INVENTORY_PORT,
    dependency_port: stack.DependencyPort = stack.DEPENDENCY_PORT,
    rationalizer_port: stack.RationalizerPort = stack.RATIONALIZER_PORT,
) -> None:
    """Run the main job: the embedded stack, a sample municipality, proposals and a report."""
    from snoei.cli.demo import DemoError, Ports, Stopped, run_demo
    from snoei.cli.embedded import EmbeddedServerError

    ports = Ports(pg_port, broker_port, inventory_port, dependency_port, rationalizer_port)
    try:
        run_demo(lang=lang.value, keep=keep, out=out, ports=ports, timeout=timeout)
    except (DemoError, EmbeddedServerError, OSError) as exc:
        typer.echo(f"snoei demo: {exc}", err=True)
        raise typer.Exit(1) from None
    except (KeyboardInterrupt, Stopped):
        typer.echo("snoei demo: interrupted; the stack was stopped", err=True)
        raise typer.Exit(130) from None


@app.command()
def bench(
    scenario: str | None = typer.Option(None, help="Run one scenario, e.g. B3."),
    quick: bool = typer.Option(False, "--quick", help="CI smoke size."),
) -> None:
    """Run the benchmarks and write bench/results/latest.json."""
    # The bench is its own workspace member that depends on this CLI, not the other way round.
    try:
        from snoei.bench.environment import BenchError
        from snoei.bench.runner import UnknownScenario, run_bench
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("snoei.bench"):
            raise
        typer.echo("snoei bench: the snoei-bench package is not installed; run it from the "
                   "repository after `make setup`", err=True)
        raise typer.Exit(2) from None
    from snoei.cli.embedded import EmbeddedServerError

    try:
        report = run_bench(scenario, quick=quick)
    except (UnknownScenario, BenchError, EmbeddedServerError) as exc:
        typer.echo(f"snoei bench: {exc}", err=True)
        raise typer.Exit(1) from None
    if any(r["error"] for r in report["results"].values()):
        raise typer.Exit(1)


@app.command()
def chaos(
    cycles: Annotated[int, typer.Option(min=1, help="Fault cycles, one chunk of load each.")] = 20,
    applications: Annotated[int, typer.Option(min=10, help="Applications in the landscape.")]
    = 2000,
    integrations: Annotated[int, typer.Option(min=0, help="Integrations in the landscape.")]
    = 8000,
    seed: Annotated[int, typer.Option(help="Seeds the landscape and the faults.")] = 1,
    faults: Annotated[
        str | None,
        typer.Option(help="Comma-separated subset of: kill, pause, rebalance, postgres, broker, "
                          "inventory.after_db_commit, inventory.outbox_mid_batch, "
                          "rationalizer.after_replica_stored (default: all)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option(min=5, help="Seconds each stage may take, convergence included.")
    ] = 180,
    out: Annotated[Path, typer.Option(help="Where to write the results.")] = Path(
        "bench/results/chaos.json"
    ),
    directory: Annotated[
        Path, typer.Option("--dir", help="Data and logs of the servers and services.")
    ] = Path(".snoei/chaos"),
    database_url: Annotated[
        str | None, typer.Option(help="Your PostgreSQL (with --bootstrap): no embedded servers.")
    ] = None,
    bootstrap: Annotated[
        str | None, typer.Option(help="Your Kafka bootstrap servers (with --database-url).")
    ] = None,
    broker: stack.Broker = "tansu",
) -> None:
    """Kill, pause and restart services, the database and the broker during a load, and check
    that the end state equals an undisturbed run's. Exit 1 if anything was lost or differs."""
    try:
        from snoei.bench.chaos.report import failed
        from snoei.bench.chaos.runner import Options
        from snoei.bench.chaos.servers import ChaosError
        from snoei.bench.chaos.suite import parse_kinds, run_chaos
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("snoei.bench"):
            raise
        typer.echo("snoei chaos: the snoei-bench package is not installed; run it from the "
                   "repository after `make setup`", err=True)
        raise typer.Exit(2) from None
    from snoei.cli.embedded import EmbeddedServerError

    if broker not in ("tansu", "kafka"):
        typer.echo(f"snoei chaos: --broker {broker}: use tansu or kafka", err=True)
        raise typer.Exit(2)
    try:
        options = Options(cycles, applications, integrations, seed, parse_kinds(faults), timeout)
        report = run_chaos(options, out=out, root=directory, database_url=database_url,
                           bootstrap=bootstrap,
                           broker="kafka" if broker == "kafka" else "tansu")
    except (ChaosError, EmbeddedServerError) as exc:
        typer.echo(f"snoei chaos: {exc}", err=True)
        raise typer.Exit(2) from None
    if failed(report):
        raise typer.Exit(1)
