#!/usr/bin/env bash
# Keep one GitHub issue open while the daily fetch fails, and close it when it works again.
#
#   OUTCOME=failure|success  the fetch step's outcome
#   RUN_URL                  the workflow run, linked from the issue
#   FETCH_LOG                the fetch's output, quoted in the issue
#   GH_TOKEN                 a token that may write issues (the workflow's github.token)
#
# Uses the GitHub CLI (gh), preinstalled on GitHub's runners. Values arrive through the
# environment only, so nothing from the workflow is ever parsed as shell.
set -euo pipefail

prefix="Daily fetch failing since"
open_issue() {
  gh issue list --state open --search "\"$prefix\" in:title" --json number,title \
    --jq "map(select(.title | startswith(\"$prefix\"))) | .[0].number // empty"
}

body=$(mktemp)
trap 'rm -f "$body"' EXIT
{
  echo "The daily fetch failed in ${RUN_URL:-a workflow run}."
  echo
  echo "The site was still rebuilt from the papers already in the archive."
  echo
  echo '```'
  tail -n 40 "${FETCH_LOG:-fetch.log}" 2>/dev/null || echo "(no output was kept)"
  echo '```'
} > "$body"

number=$(open_issue)
case "${OUTCOME:-}" in
  failure)
    if [ -n "$number" ]; then
      gh issue comment "$number" --body-file "$body"
      echo "fetch-alert: commented on issue #$number"
    else
      gh issue create --title "$prefix $(date -u +%Y-%m-%d)" --body-file "$body"
      echo "fetch-alert: opened an issue"
    fi
    ;;
  success)
    if [ -n "$number" ]; then
      gh issue close "$number" --comment "The daily fetch works again: ${RUN_URL:-}"
      echo "fetch-alert: closed issue #$number"
    else
      echo "fetch-alert: nothing to report"
    fi
    ;;
  *)
    echo "fetch-alert: OUTCOME must be success or failure, not '${OUTCOME:-}'" >&2
    exit 2
    ;;
esac
