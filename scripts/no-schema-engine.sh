#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded here.
# `prisma generate` only checks that it exists; nothing should run it.
echo "homevisit: the native Prisma schema engine is not installed; use npm run db:migrate:create" >&2
exit 1
