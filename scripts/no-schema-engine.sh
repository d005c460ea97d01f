#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded here: `prisma validate`,
# `format` and `generate` only need the path to exist. Migrations go through our SQL runner.
echo "No schema engine here: migrations are applied by 'npm run db:migrate' (the SQL runner)." >&2
exit 1
