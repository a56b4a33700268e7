.PHONY: run test bench clean

run:            ## set up and run the main job on this workspace
	scripts/run

test:           ## install test needs and run the tests
	scripts/test

bench:          ## benchmarks against html2po, po2html and msgmerge (see bench/README.md)
	scripts/setup bench
	.venv/bin/python bench/bench_catalogs.py

clean:
	rm -rf out .pytest_cache
