# hvnetconf — build, run the example, test.
# `make run` and `make test` are all a fresh machine needs (see README.md).

GO          ?= go
PREFIX      ?= /usr/local
DESTDIR     ?=
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
MODULE      := github.com/hvnetconf/hvnetconf
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0-dev)
COMMIT      ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS     := -s -w -X $(MODULE)/internal/version.Version=$(VERSION) -X $(MODULE)/internal/version.Commit=$(COMMIT)
BIN         := bin/hvnetconf
GOFILES      = $(shell find . -name '*.go' -not -path './dist/*' -not -path './bin/*')

.PHONY: all build run test fmt-check vet staticcheck unit freebsd bench fuzz clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/hvnetconf

# The main job on the bundled example, no FreeBSD needed.
run: build
	@sh examples/run.sh $(BIN)

test: fmt-check vet staticcheck unit freebsd

fmt-check:
	@bad=$$(gofmt -l $(GOFILES)); if [ -n "$$bad" ]; then echo "gofmt needed:"; echo "$$bad"; exit 1; fi; echo "gofmt: ok"

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

unit:
	$(GO) test -race -count=1 ./...

# Live access exists only in FreeBSD builds: prove they compile.
freebsd:
	CGO_ENABLED=0 GOOS=freebsd GOARCH=amd64 $(GO) build -o /dev/null ./...
	CGO_ENABLED=0 GOOS=freebsd GOARCH=arm64 $(GO) build -o /dev/null ./...
	@echo "freebsd amd64, arm64: ok"

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin dist
