# Sourced by the Makefile: points the project at the private servers unless told otherwise.
# CC4C_PG_MODE=fast (make test, make bench) means the fast, non-durable cluster of
# scripts/services.sh on CC4C_PG_FAST_PORT (CC4C_PG_PORT + 1); otherwise the durable one.
if [ "${CC4C_PG_MODE:-}" = fast ]; then
  _cc4c_pg_port="${CC4C_PG_FAST_PORT:-$((${CC4C_PG_PORT:-55432} + 1))}"
else
  _cc4c_pg_port="${CC4C_PG_PORT:-55432}"
fi
export DATABASE_URL="${DATABASE_URL:-postgres://cc4c@127.0.0.1:${_cc4c_pg_port}/cc4c}"
unset _cc4c_pg_port
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${CC4C_REDIS_PORT:-56379}/0}"
export DEBUG="${DEBUG:-1}"
export PATH="$(pwd)/.venv/bin:$PATH"
