.PHONY: run test bench bench-checks bench-draft bench-review bench-speed mutate clean

run:            ## set up and run the main job on this workspace
	scripts/run

test:           ## install test needs and run the tests
	scripts/test

bench:          ## benchmarks against html2po, po2html and msgmerge (README: Benchmarks)
	scripts/setup bench
	.venv/bin/python bench/bench_catalogs.py

bench-checks:   ## localize check against pofilter on one ~57,000-entry catalog
	scripts/setup bench
	.venv/bin/python bench/bench_checks.py

bench-draft:    ## localize draft against Apertium per unit and one bare Apertium run; 100 articles
	scripts/setup bench
	.venv/bin/python bench/bench_draft.py

mutate:         ## mutation testing of the core modules against their tests (README: Mutation testing; three to four hours)
	scripts/setup test
	.venv/bin/python scripts/mutate.py

clean:
	rm -rf out .pytest_cache

bench-editions: ## HTML editions against po2html (1,000 articles); PDFs against Chromium and the weasyprint command
	scripts/setup test,bench
	.venv/bin/python bench/bench_editions.py

bench-speed:    ## every speed figure in one run, one table beside each peer (about 45 minutes)
	scripts/setup test,bench
	.venv/bin/python bench/speed.py

bench-review:   ## review UI under load: 20 clients against gunicorn -w 4 (save p50/p95, queue pages/s)
	scripts/setup bench
	.venv/bin/python bench/bench_review.py
