"""Property-based fuzzing of every parser of untrusted input (issue #16)."""
