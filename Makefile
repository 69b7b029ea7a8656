# The two commands of the README: `make demo` runs an offline game-day drill through the real Pulumi CLI;
# `make check` runs every check (ruff, mypy, and all the tests, end-to-end ones included). Both set up first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo check acceptance setup cli browser tofu tofu-provider-mirror drill-images gameday yaml-drill \
  typescript-drill go-drill opentofu-drill plugin bench clean

$(VENV)/.installed: pyproject.toml emulator/pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' -e ./emulator
	touch $@

setup: $(VENV)/.installed

cli:
	@scripts/get-pulumi >/dev/null

# Debian's chromium for the browser tests (tests/browser), installed once per machine.
browser:
	@scripts/get-browser >/dev/null

# The live drill page's screenshot in docs/ (docs/images/live-drill-page.png), from its browser test's game-day scene.
.PHONY: live-page-screenshot
live-page-screenshot: setup browser
	WRITE_SCREENSHOTS=1 $(VENV)/bin/pytest tests/browser/test_live_page.py -k game_day_scene -q

demo: setup cli
	$(PY) scripts/run_drill.py $(ARGS)

# The drill reports' screenshots and SVGs in docs/images (docs/drills.md): three offline drills, in headless Chromium.
drill-images: setup browser
	$(PY) scripts/drill_timelines.py $(ARGS)

check: setup cli browser tofu
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The end-to-end scenarios in sequence on one stack, offline (`make check` runs them too, in tests/e2e); against
# your account with INCIDENT_MANAGER_ACCEPTANCE=aws and INCIDENT_MANAGER_ACCEPTANCE_CONTACT=<contact ARN>
# (docs/acceptance.md). ARGS=--yes pages without asking.
acceptance: setup cli
	$(PY) scripts/acceptance.py $(ARGS)

gameday: setup cli
	$(PY) scripts/pulumi_cli.py examples/gameday --stack drill --offline --time-scale 60 \
	  --responder alice-oncall:SMS:2m \
	  --policy-pack-config examples/gameday/policy-config.json preview up destroy

# The same drill through the provider plugin: in plain YAML, and in TypeScript with the SDK generated from its schema.
yaml-drill: setup cli
	$(PY) scripts/pulumi_cli.py examples/yaml-drill --stack drill --offline --seeded-contact contactId \
	  preview up destroy

typescript-drill: setup cli
	$(PY) scripts/pulumi_cli.py examples/typescript --stack drill --offline --seeded-contact contactId --install \
	  preview up destroy

# In Go, with the SDK generated from the plugin's schema, and a simulated alice who acknowledges a minute in (1 s).
go-drill: setup cli
	$(PY) scripts/pulumi_cli.py examples/go --stack drill --offline --seeded-contact contactId --install \
	  --time-scale 60 --responder alice-oncall:SMS:1m preview up destroy

# A distributable plugin for this platform that installs offline at the versions in constraints.txt:
# `pulumi plugin install resource incident-manager 0.1.0 --file dist/<tarball>`. Another platform:
# ARGS="--platform linux-arm64" (docs/languages.md).
plugin: setup
	$(PY) scripts/build_plugin.py $(ARGS)

bench: setup cli tofu
	$(PY) benchmarks/emulator_throughput.py
	$(PY) benchmarks/provider_overhead.py
	$(PY) benchmarks/engine_in_the_loop.py
	$(PY) benchmarks/languages.py
	$(PY) benchmarks/opentofu.py
	$(PY) benchmarks/rate_limit.py --quick

# OpenTofu (docs/opentofu.md): `make tofu` builds the pinned `tofu` once per machine (scripts/get-tofu; tests/tofu
# run it), `make tofu-provider-mirror` installs the provider into a local mirror and prints the CLI configuration file
# to export as TF_CLI_CONFIG_FILE, so that `tofu init` finds incident-manager/incidentmanager offline.
tofu:
	@scripts/get-tofu >/dev/null

tofu-provider-mirror: setup
	@scripts/tofu-provider-mirror

# The same drill in HCL (examples/opentofu), through the real `tofu` with this checkout's provider from a local mirror:
# init, plan, apply (pages once; a simulated alice acknowledges a minute in, 1 s), plan (no changes), destroy. State
# is encrypted with TF_VAR_state_passphrase, or a random passphrase for the run.
opentofu-drill: setup tofu
	$(PY) scripts/tofu_cli.py examples/opentofu --offline --seeded-contact contact_id \
	  --time-scale 60 --responder alice-oncall:SMS:1m init plan apply plan destroy

clean:
	rm -rf .state
