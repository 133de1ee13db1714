"""Placeholder — being implemented."""


def stable(*args: object, **kwargs: object) -> object:
    raise NotImplementedError("PLACEHOLDER")
