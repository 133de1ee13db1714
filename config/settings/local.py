"""Developer machine: debug on, SQLite and console email by default."""

from config.env import env_bool

from .base import *

DEBUG = env_bool("DEBUG", default=True)
