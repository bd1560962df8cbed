# Sourced by the Makefile: points the project at the private servers unless told otherwise.
export DATABASE_URL="${DATABASE_URL:-postgres://cc4c@127.0.0.1:${CC4C_PG_PORT:-55432}/cc4c}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${CC4C_REDIS_PORT:-56379}/0}"
export DEBUG="${DEBUG:-1}"
export PATH="$(pwd)/.venv/bin:$PATH"
