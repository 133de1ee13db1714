"""Placeholder — being implemented."""


def assign(*args: object, **kwargs: object) -> object:
    raise NotImplementedError("PLACEHOLDER")
