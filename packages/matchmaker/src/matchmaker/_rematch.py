"""Placeholder — being implemented."""


def rematch(*args: object, **kwargs: object) -> object:
    raise NotImplementedError("PLACEHOLDER")
