"""Placeholder — being implemented."""


def stable_roommates(*args: object, **kwargs: object) -> object:
    raise NotImplementedError("PLACEHOLDER")
