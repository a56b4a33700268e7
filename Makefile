.PHONY: run test bench bench-checks bench-draft clean

run:            ## set up and run the main job on this workspace
	scripts/run

test:           ## install test needs and run the tests
	scripts/test

bench:          ## benchmarks against html2po, po2html and msgmerge (see bench/README.md)
	scripts/setup bench
	.venv/bin/python bench/bench_catalogs.py

bench-checks:   ## localize check against pofilter on one ~57,000-entry catalog
	scripts/setup bench
	.venv/bin/python bench/bench_checks.py

bench-draft:    ## localize draft against Apertium per unit and one bare Apertium run; 100 articles
	scripts/setup bench
	.venv/bin/python bench/bench_draft.py

clean:
	rm -rf out .pytest_cache
