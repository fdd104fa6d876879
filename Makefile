# Alliantie Nederland Rookvrij! partner site. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
# pytest-xdist workers for make test: auto is one per core (measured best on 2 cores; 3 was slower).
PYTEST_WORKERS ?= auto
STAMP  := $(VENV)/.installed-stamp
PELICAN_OPTS ?=
# A development build's absolute links (feeds, sitemap, badge) point at the server that shows it.
DEV_SITEURL := -e PARTNERS_DEV_SITEURL='"http://$(HOST):$(PORT)"'

.PHONY: setup build publish public-siteurl check serve run reviewer test lint bench bench-load clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install everything

build: setup ## validate the records and build the site into output/
	$(BIN)/pelican content -s pelicanconf.py -o output $(DEV_SITEURL) $(PELICAN_OPTS)

publish: public-siteurl setup ## production build for the public site: SITEURL=https://… make publish
	SITEURL="$(SITEURL)" $(BIN)/pelican content -s publishconf.py -o output $(PELICAN_OPTS)

# A development build must never reach the public: without the real https address, refuse.
public-siteurl:
	@case "$(SITEURL)" in https://?*) ;; *) \
	  echo "make publish bouwt de site voor het publiek en heeft daarvoor het echte https-adres nodig, bijvoorbeeld:" >&2; \
	  echo "  SITEURL=https://www.alliantienederlandrookvrij.nl make publish" >&2; \
	  echo "Er is niets gebouwd. Voor een voorbeeld op uw eigen computer: make build of make serve." >&2; \
	  exit 2 ;; esac

check: setup ## validate every partner record and logo; exit 1 on any error
	$(BIN)/python -m partners check content

serve: setup ## preview for editors on http://$(HOST):$(PORT): rebuilds on every save, reloads the browser, shows build errors in the page
	$(BIN)/python -m partners serve --port $(PORT) --host $(HOST)

run: build ## build, then serve site + form + admin on http://$(HOST):$(PORT)
	FORMHANDLER_DEVELOPMENT=true $(BIN)/python -m formhandler.devserver --host $(HOST) --port $(PORT)

reviewer: setup ## create a reviewer for the local development instance: make reviewer NAME=jan
	@test -n "$(NAME)" || { echo "Gebruik: make reviewer NAME=uw-naam"; exit 2; }
	FORMHANDLER_DEVELOPMENT=true $(BIN)/flask --app formhandler user add "$(NAME)"

test: setup ## run every test, spread over the machine's cores (PYTEST_WORKERS=0: in one process)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: setup ## ruff (lint and format check) and mypy over the whole tree
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy deploy/render_nginx.py deploy/gunicorn.conf.py pelicanconf.py publishconf.py

bench: setup ## benchmarks; figures go in docs/performance.md
	$(BIN)/python -m benchmarks

bench-load: setup ## the form handler's load benchmark alone (wrk, about 5 minutes); figures in docs/performance.md
	$(BIN)/python -m benchmarks --only load

clean:
	rm -rf output .cache
