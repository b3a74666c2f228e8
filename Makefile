# Thin targets over the real tools. `make setup demo` runs the main job, `make test` the tests.
UV ?= python3 -m uv
PYTEST_ARGS ?=
CHAOS_ARGS ?=

.PHONY: setup demo test lint sizes typecheck bench chaos up down asyncapi

setup:
	python3 -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --all-packages --frozen

demo:
	$(UV) run snoei demo

test:
	$(UV) run pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

lint: sizes
	$(UV) run ruff check .

sizes:
	$(UV) run python scripts/check_sizes.py

typecheck:
	$(UV) run mypy

bench:
	$(UV) run snoei bench $(if $(SCENARIO),--scenario $(SCENARIO),) $(if $(QUICK),--quick,)

chaos:
	$(UV) run snoei chaos $(CHAOS_ARGS)

up:
	$(UV) run snoei stack up $(if $(BROKER),--broker $(BROKER),)

down:
	$(UV) run snoei stack down

asyncapi:
	$(UV) run python -m snoei.shared.asyncapi docs/asyncapi
