"""Placeholder — being implemented."""


def greedy_assign(*args: object, **kwargs: object) -> object:
    raise NotImplementedError("PLACEHOLDER")
