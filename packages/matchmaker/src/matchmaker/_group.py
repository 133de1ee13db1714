"""Placeholder — being implemented."""


def form_groups(*args: object, **kwargs: object) -> object:
    raise NotImplementedError("PLACEHOLDER")
