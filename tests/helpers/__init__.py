"""The real servers, the keyring daemon and the clock the tests run against (not tests)."""
