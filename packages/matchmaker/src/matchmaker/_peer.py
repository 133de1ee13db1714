"""Placeholder — being implemented."""


def pair_peers(*args: object, **kwargs: object) -> object:
    raise NotImplementedError("PLACEHOLDER")
