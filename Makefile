# openhands-v0: the Go SDK and contract-test suite for the OpenHands V0 REST API.
# Every tool's version comes from go.mod (see tools.go); nothing is installed by hand.

GO ?= go
FUZZTIME ?= 30s
PKGS := ./...

REAL_VERSION ?= 0.62.0
REAL_VERSIONS ?= 0.62.0

.PHONY: real-server contract-real record-real versions all generate check-generated test race lint tidy-check build contract contract-live drift record record-live probe sim golden faults fuzz bench bench-smoke browser-test

all: check-generated lint test

## generate: regenerate api/client.gen.go from spec/openapi.yaml (and the drift table of which wrapper methods send each operation, and the CLI reference docs/cli/)
generate:
	$(GO) generate ./gen

GENERATED := api/ internal/drift/sdkmethods_gen.go docs/cli/

## check-generated: regenerate and fail if api/ (or the drift table, or docs/cli/) differs from what is committed
check-generated: generate
	@git diff --exit-code --stat -- $(GENERATED) || { echo "generated code is stale: run 'make generate' and commit the result"; exit 1; }
	@test -z "$$(git status --porcelain -- $(GENERATED))" || { git status --porcelain -- $(GENERATED); echo "generated files git does not track"; exit 1; }

## test: every test, offline (fuzz seed corpora included)
test:
	$(GO) test -count=1 $(PKGS)

## race: every test under the race detector
race:
	$(GO) test -race -count=1 $(PKGS)

## lint: go vet and a pinned staticcheck
lint:
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck $(PKGS)

## tidy-check: fail if go.mod or go.sum are not tidy
tidy-check:
	$(GO) mod tidy -diff

## build: the openhands-v0 command into bin/
build:
	$(GO) build -o bin/openhands-v0 ./cmd/openhands-v0

## contract: replay the cassettes offline, check every exchange against the spec, print the report (the main job)
contract:
	$(GO) run ./cmd/openhands-v0 contract run --report-dir reports

## contract-live: the same scenarios against OPENHANDS_APP_BASE (read-only; ARGS=--allow-writes for the rest)
contract-live:
	$(GO) run ./cmd/openhands-v0 contract run --live --report-dir reports $(ARGS)

## drift: what changed in OPENHANDS_APP_BASE's /openapi.json (or FILE=doc.json) that breaks the SDK (exit 1); ARGS=--all, ARGS='-o json'
drift:
	$(GO) run ./cmd/openhands-v0 contract drift $(if $(FILE),--file $(FILE)) $(ARGS)

## record: re-record every cassette from the simulator (deterministic: a second run changes nothing)
record:
	$(GO) run ./cmd/openhands-v0 contract run --record

## record-live: re-record the cassettes from OPENHANDS_APP_BASE with real credentials (scrubbed before saving)
record-live:
	$(GO) run ./cmd/openhands-v0 contract run --live --allow-writes --record

## real-server: install (once, cached outside the clone) and start the real OpenHands REAL_VERSION on 127.0.0.1:3000, configured; Ctrl-C stops it
real-server:
	GO=$(GO) ./scripts/contract-real.sh $(REAL_VERSION) serve

## contract-real: the live suite, writes allowed, against a real OpenHands REAL_VERSION started here; report in reports/real/
contract-real:
	GO=$(GO) ./scripts/contract-real.sh $(REAL_VERSION) run

## record-real: re-record cassettes/real/openhands-V/ from the real servers of REAL_VERSIONS (scrubbed)
record-real:
	@for v in $(REAL_VERSIONS); do GO=$(GO) ./scripts/contract-real.sh $$v record || exit 1; done

## versions: rewrite the tables of operations against the real versions recorded (README.md, docs/versions.md)
versions:
	GO=$(GO) ./scripts/versions.sh

## probe: does OPENHANDS_APP_BASE still serve V0?
probe:
	$(GO) run ./cmd/openhands-v0 contract probe

## sim: the V0 simulator on http://127.0.0.1:3000 with sample data
sim:
	$(GO) run ./cmd/openhands-v0 sim serve --sample-data

## golden: rewrite the CLI's golden files after an intended output change
golden:
	$(GO) test ./cmd/openhands-v0 -run Golden -update

## faults: the fault matrix (every simulator fault x every class of operation), the hostile-server suite and the 64x500 load test, printed
faults:
	@mkdir -p reports
	OPENHANDS_V0_LOAD=1 OPENHANDS_V0_REPORT_DIR=$(CURDIR)/reports $(GO) test -count=1 -run '^(TestFaultMatrix|TestHostileServer|TestLoad)$$' ./internal/faults
	@cat reports/fault-matrix.txt reports/hostile.txt reports/load.txt

## browser-test: the archive viewer in Debian's chromium (skips without it), screenshots into reports/
browser-test:
	@command -v chromium >/dev/null || { echo "browser-test needs chromium: apt-get install -y chromium"; exit 1; }
	@mkdir -p reports
	OPENHANDS_V0_REPORT_DIR=$(CURDIR)/reports $(GO) test -count=1 -run '^TestBrowser' -v ./internal/archiveview

## fuzz: every fuzz target for FUZZTIME each (default 30s); the seed corpora also run in make test
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

## bench: the benchmarks against their raw baselines, one summary table (about 4 minutes on 2 cores)
bench:
	$(GO) run ./internal/bench/cmd/benchrun

## bench-smoke: every benchmark once on small data, and the bench runner's quick mode (no goals checked)
bench-smoke:
	$(GO) test -count=1 -short -run='^$$' -bench=. -benchtime=1x ./internal/bench
	$(GO) run ./internal/bench/cmd/benchrun -quick
