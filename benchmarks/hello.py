"""The floor for any typer command-line tool: a typer "hello world" (typer imports click, rich and pydantic)."""

import typer

app = typer.Typer()


@app.command()
def hello(name: str = "thế giới") -> None:
    typer.echo(f"Xin chào {name}")


if __name__ == "__main__":
    app()
