# frontdesk — the two commands are `make run` and `make test` (README.md).
GO ?= go
export CGO_ENABLED := 1

# The local PostgreSQL the PostgreSQL suite runs against (.ci/run, make test-postgres).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: run test test-postgres generate check-generate migration bench build lint graphiql-assets

## run: serve on embedded SQLite with the demo practice on the sandbox PMS (dev mode)
run:
	FRONTDESK_DEV=1 $(GO) run ./cmd/frontdesk serve

# Extra go test flags (.ci/run passes -json for its skip report).
GOTESTFLAGS ?=

# The packages whose tests open a database: their test binaries link
# internal/database/dbtest. Only these run in the PostgreSQL suite.
DB_TEST_PACKAGES = $$($(GO) list -test -f '{{.ImportPath}} {{join .Deps " "}}' ./... | \
	awk '$$1 ~ /\.test$$/ && / github\.com\/frontdesk\/frontdesk\/internal\/database\/dbtest( |$$)/ { sub(/\.test$$/, "", $$1); print $$1 }')

## test: every test, with the race detector (PostgreSQL tests only when FRONTDESK_TEST_POSTGRES_URL is set)
test:
	@if [ -z "$$FRONTDESK_TEST_POSTGRES_URL" ]; then \
		echo "make test: FRONTDESK_TEST_POSTGRES_URL is not set, so the PostgreSQL runs are skipped (make test-postgres runs them)"; \
	fi
	$(GO) test -race -timeout 8m $(GOTESTFLAGS) ./...

## test-postgres: the PostgreSQL half of the database tests, on POSTGRES_URL (fails if it cannot be reached)
test-postgres:
	FRONTDESK_TEST_POSTGRES_URL='$(POSTGRES_URL)' FRONTDESK_TEST_DIALECTS=postgres $(GO) test -race -timeout 8m $(GOTESTFLAGS) $(DB_TEST_PACKAGES)

## generate: regenerate ent (with entgql's schema/ent.graphql) and gqlgen
generate:
	$(GO) generate ./...

## check-generate: fail if generated code is not what `make generate` makes
check-generate: generate
	@git diff --exit-code -- ent graph schema || { echo "generated code is stale: run make generate and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- ent graph schema)" || { git status --porcelain -- ent graph schema; echo "make generate created files: commit them"; exit 1; }

## migration: write the next migration for both dialects from the ent schema (NAME=what_changed)
migration:
	@test -n "$(NAME)" || { echo "usage: make migration NAME=add_something"; exit 1; }
	$(GO) run ./ent/migrate/migrations/gen.go -name $(NAME)

## bench: the benchmarks the issues ask for, each beside its baseline from the same run
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./... | $(GO) run ./cmd/benchreport

## build: the frontdesk binary in bin/
build:
	$(GO) build -o bin/frontdesk ./cmd/frontdesk

# staticcheck runs at a pinned version through `go run pkg@version`, outside
# our module graph: a tool directive would add its dependencies (x/tools
# among them) to go.mod, where they would move the versions ent's and
# gqlgen's generators build with. The module cache keeps the build.
STATICCHECK_VERSION := v0.8.2

# What staticcheck reads: every package but the generated ones (ent/ save
# its hand-written schema, graph/generated).
LINT_PACKAGES = $$($(GO) list ./... | grep -Ev '/frontdesk/ent($$|/)|/graph/generated$$') ./ent/schema

## lint: gofmt, go vet, staticcheck, and go.mod/go.sum as `go mod tidy` leaves them
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^ent/'))" || { gofmt -l $$(git ls-files '*.go' | grep -v '^ent/'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(LINT_PACKAGES)
	$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy and commit"; exit 1; }

## graphiql-assets: fetch GraphiQL's pinned npm assets again (they are committed)
graphiql-assets:
	graph/graphiql/fetch-assets.sh
