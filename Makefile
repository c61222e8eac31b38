# podgen's developer commands. `make test` is what CI runs (via .ci/run).
GO      ?= go
GOFILES  = $(shell find . -name '*.go' -not -path './testdata/errors/*' -not -path './.git/*' -not -path './bin/*')

.PHONY: build test vet fmt-check golden bench demo

## build: compile podgen into bin/podgen
build:
	$(GO) build -o bin/podgen .

## test: vet, gofmt check, and every test: unit tests, fuzz seed corpora,
## goldens, the golden apps compiled and tested in temp modules, the CLI
test: vet fmt-check
	$(GO) test -timeout 30m ./...

vet:
	$(GO) vet ./...
	cd bench/futurecalls && $(GO) vet ./...   # its own module (River): keep it compiling
	cd bench/json && $(GO) vet ./...          # its own module (the JSON peers), on golden/rich/pod

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "not gofmt'd:"; echo "$$out"; exit 1; fi

## golden: regenerate golden/<app>/ from testdata/<app>/ and schema/names_static.go
## from emit/static/ (review the diff!)
golden:
	$(GO) test -run 'TestReservedStatic$$' -count=1 ./emit -update
	$(GO) test -run 'TestGolden$$' -count=1 . -update

## bench: podgen's build benchmark, then every golden app's benchmarks
bench:
	@echo "== podgen build: 500 classes, 100 endpoints (goal < 1 s/op) =="
	$(GO) test -run '^$$' -bench BenchmarkBuild -benchmem -benchtime 5x ./generator
	@echo "== issue 14: go build ./out/... of the 500-class app, deps cached (goal <= 30 cpu-s, <= 1500 peak-MB; when filed: 175 cpu-s, 5 GB; before the shared query layer, this 2-CPU machine: 294 cpu-s, 7592 peak-MB) and the rebuild after editing one class =="
	$(GO) test -run '^$$' -bench BenchmarkCompile500 -benchtime 1x -timeout 30m ./generator
	@echo "== issue 14: lines of a fresh podgen init app (goal <= 3000; when filed: 10148; with the auth module's hooks, before kind-pruned JSON files and the scheduler stand-in: 13031) =="
	$(GO) test -run '^$$' -bench BenchmarkInitLines -benchtime 1x ./internal/initproject
	@echo "== local caches, 90% Get / 10% Put over 100,000 keys (goal: LocalCache ahead of both) =="
	$(GO) test -run '^$$' -bench 'Mix' -benchmem -count 3 ./emit/static/pod
	@echo "== apps; rich's BenchmarkLogging*: session+query logging on vs off, real Postgres writer (goal: ratio >= 0.9) =="
	@echo "   relations' BenchmarkIncludes: perlist/include and n+1/include at 1, 20, 200 writers (goal: > 1 each; per-row subqueries, stop 26: perlist/include 1.06, 0.80, 0.52)"
	@echo "   rich's BenchmarkInsertMany1000: batch/insertmany (goal >= 3; COPY itself is 1.9-2.0x the batch here) and insertmany/copyfrom (goal <= 1.5)"
	$(GO) test -run 'TestGoldenApps' -count=1 -v . -bench-apps
	@echo "== JSON codecs vs goccy/go-json, sonic, segmentio, encoding/json on Flat and Company(5) (goal: podgen >= 1.2x the fastest peer) =="
	cd bench/json && $(GO) test -count=1 -run . -bench . -benchmem .
	@echo "== future calls vs River: 10,000 due now, 1,000 due 1 s ahead (goal: calls/s >= River's, p50 < 50 ms) =="
	cd bench/futurecalls && $(GO) test -run '^$$' -bench FutureCalls -benchtime 1x -timeout 30m .

## demo: build podgen, generate a sample app, run it and call it
demo: build
	./scripts/demo.sh
