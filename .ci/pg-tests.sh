#!/usr/bin/env bash
# The PostgreSQL part of the tests: the store, services, merge and summary tests again on a
# real server, and the server's own tests (tests/server: set-up, roles, concurrency).
#
# With WORKBENCH_TEST_PG_URL set, runs against that server. Otherwise starts a throwaway
# cluster (.ci/postgres.sh) when PostgreSQL is installed, and stops it afterwards; when it
# is not installed, says so plainly and exits 0 (.ci/run installs it first, so CI always
# runs this part).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_TESTS=(
    tests/server
    tests/db/test_store.py
    tests/db/test_migrations.py
    tests/workbench/test_grading_referrals.py
    tests/workbench/test_moderation.py
    tests/workbench/test_caselist.py
    tests/workbench/test_case_import.py
    tests/workbench/test_grades_import.py
    tests/workbench/test_summary.py
    tests/workbench/test_demo.py
    tests/workbench/test_packs_merge.py
    tests/workbench/test_packs_trail.py
    tests/workbench/test_revisions.py
    tests/workbench/test_dashboard.py
    tests/workbench/test_national.py
    tests/workbench/test_followup_recommendations.py
    tests/workbench/test_followup_plans.py
    tests/workbench/test_followup_quarters.py
    tests/workbench/test_followup_packs.py
    tests/workbench/test_followup_reinspection.py
)
run() {
    echo "PostgreSQL tests: on $(echo "$WORKBENCH_TEST_PG_URL" | sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#')"
    .venv/bin/python -m pytest --backend=postgresql -q "${PG_TESTS[@]}" "$@"
}
if [ -n "${WORKBENCH_TEST_PG_URL:-}" ]; then
    run "$@"
    exit
fi
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "PostgreSQL tests NOT run: no server (set WORKBENCH_TEST_PG_URL, or install Debian's"
    echo "postgresql package so that a throwaway cluster can be started)."
    exit 0
fi
dir=$(mktemp -d /tmp/workbench-pg.XXXXXX)
trap '.ci/postgres.sh stop "$dir"' EXIT
url=$(.ci/postgres.sh start "$dir")
export WORKBENCH_TEST_PG_URL="${url/\/workbench\?//postgres?}"
run "$@"
