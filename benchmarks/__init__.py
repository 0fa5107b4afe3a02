"""humsec benchmarks: heavy runs kept out of the test suite. Run with ``make bench``."""
