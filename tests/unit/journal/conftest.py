from tests.stores import open_test_store

__all__ = ["open_test_store"]
