"""The floor for any typer command-line tool: a typer "hello world" (typer imports click, rich and pydantic).

With BENCH_CTR199_GC=1 it also sets up the garbage collector as `ctr199.cli.main` does (off while
running, skipped at exit), for a like-for-like floor: what ctr199 costs beyond that is its own work.
"""

import atexit
import gc
import os

import typer

app = typer.Typer()


@app.command()
def hello(name: str = "thế giới") -> None:
    typer.echo(f"Xin chào {name}")


if __name__ == "__main__":
    if os.environ.get("BENCH_CTR199_GC"):
        gc.disable()
        atexit.register(gc.freeze)
    app()
