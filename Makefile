# openhands-v0: the Go SDK and contract-test suite for the OpenHands V0 REST API.
# Every tool's version comes from go.mod (see tools.go); nothing is installed by hand.

GO ?= go
PKGS := ./...

.PHONY: all generate check-generated test lint tidy-check build

all: check-generated lint test

## generate: regenerate api/client.gen.go from spec/openapi.yaml
generate:
	$(GO) generate ./gen

## check-generated: regenerate and fail if api/ differs from what is committed
check-generated: generate
	@git diff --exit-code --stat -- api/ || { echo "api/ is stale: run 'make generate' and commit the result"; exit 1; }
	@test -z "$$(git status --porcelain -- api/)" || { git status --porcelain -- api/; echo "api/ has files git does not track"; exit 1; }

## test: every test, offline (fuzz seed corpora included)
test:
	$(GO) test -count=1 $(PKGS)

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
