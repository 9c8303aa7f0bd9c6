"""The regression suite's table and run time are printed at the end of every pytest run: the test records
them as a property of its report (tests/conftest.py's REGRESS_TABLE) and tests/conftest.py writes the
section, in the main process also when xdist runs the test in a worker."""
