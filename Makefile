# sfmcp — `make test` is the one command that installs what the tests need and runs them all.
GO      ?= go
PKGS    := ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: build test test-go test-keyring test-jsforce test-e2e deps lint update-schemas docs check-docs bench fuzz demo clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/sfmcp ./cmd/sfmcp

# Everything: system and npm packages, Go tests with -race, the keyring store
# against a real Secret Service, the jsforce fidelity test, the TypeScript SDK
# end-to-end tests, and the generated docs check.
test: deps build test-go test-keyring test-jsforce test-e2e check-docs

deps:
	scripts/setup.sh

test-go:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

test-keyring:
	scripts/test-keyring.sh -count=1 -run Keyring -v

test-jsforce: build
	test/jsforce/run.sh

test-e2e: build
	test/e2e/run.sh

GOLANGCI := $(shell go env GOPATH)/bin/golangci-lint

lint:
	@[ -x $(GOLANGCI) ] || GOFLAGS= $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
	$(GOLANGCI) run ./...

update-schemas:
	UPDATE_SCHEMAS=1 $(GO) test ./tools/ -run TestSchemaSnapshots

docs: build
	bin/sfmcp tools --markdown --write README.md

check-docs: build
	bin/sfmcp tools --markdown --check README.md

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./salesforce/... ./tools/... ./server/... ./cmd/...

fuzz:
	scripts/fuzz.sh 60s

demo: build
	bin/sfmcp demo

clean:
	rm -rf bin
