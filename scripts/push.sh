#!/usr/bin/env bash
# Push the daily commit: rebase on what arrived meanwhile, then push.
#
#   PUSH_TOKEN  a token that may push (the workflow's github.token), from the environment
#
# The checkout keeps no credentials (persist-credentials: false): the token reaches git
# only here, as an HTTP header in git's environment (GIT_CONFIG_*), never on a command
# line (visible to other processes) or in .git/config (readable by every later step).
set -euo pipefail

if [ -n "${PUSH_TOKEN:-}" ]; then
  basic=$(printf 'x-access-token:%s' "$PUSH_TOKEN" | base64 | tr -d '\n')
  echo "::add-mask::$basic"
  export GIT_CONFIG_COUNT=1
  export GIT_CONFIG_KEY_0="http.https://github.com/.extraheader"
  export GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $basic"
fi
git pull --rebase --quiet
git push --quiet
