#!/usr/bin/env bash
# apiship in any CI (Jenkins, Buildkite, CircleCI, Drone, a cron job): plain shell around the
# reviewed-plan workflow and apiship's exit codes.
#
#   deploy.sh plan   [ENV]   plan, save it to $PLAN_FILE for review; exit 0 with or without changes
#   deploy.sh deploy [ENV]   apply exactly $PLAN_FILE (refused when the state moved since)
#   deploy.sh auto   [ENV]   plan, then apply that same plan when it has changes (no review step)
#
# Needs APISHIP_STATE pointing at a store every job shares (postgres://...): a CI machine's disk
# does not outlive the job. Cloud credentials come from the CI's own short-lived mechanism or
# secrets, as environment variables the providers' SDKs read. Set APISHIP to run another build of
# the CLI (e.g. APISHIP="node /opt/apiship/bin/run.js").
set -euo pipefail

command=${1:?usage: deploy.sh plan|deploy|auto [ENV]}
environment=${2:-${APISHIP_ENV:-production}}
plan_file=${PLAN_FILE:-plan.json}
read -r -a apiship <<<"${APISHIP:-apiship}"
: "${APISHIP_STATE:?set APISHIP_STATE to a state store every CI job shares (postgres://...)}"
# apiship never prompts, and prints one plain line per event, when CI is set.
export CI="${CI:-true}"

plan() {
  local code=0
  "${apiship[@]}" plan --env "$environment" --out "$plan_file" --detailed-exitcode || code=$?
  case $code in
    0) echo "apiship: no changes in $environment" ;;
    2) echo "apiship: $environment has changes; the plan is in $plan_file" ;;
    *) echo "apiship: plan failed (exit $code)" >&2 ;;
  esac
  return "$code"
}

deploy() {
  local code=0
  "${apiship[@]}" deploy --env "$environment" --plan "$plan_file" --yes || code=$?
  case $code in
    0) echo "apiship: $environment deployed" ;;
    3) echo "apiship: partial deploy: some targets failed, the others deployed (see above)" >&2 ;;
    130) echo "apiship: interrupted; the state is saved, run the deploy again to finish" >&2 ;;
    *) echo "apiship: deploy failed (exit $code); a stale plan (PLAN_STALE) needs a new plan" >&2 ;;
  esac
  [ "$code" -eq 0 ] && "${apiship[@]}" outputs --env "$environment"
  return "$code"
}

case $command in
  plan)
    code=0
    plan || code=$?
    # A plan with changes is a successful plan: only errors fail the job.
    [ "$code" -eq 2 ] && exit 0
    exit "$code"
    ;;
  deploy)
    deploy
    ;;
  auto)
    code=0
    plan || code=$?
    case $code in
      0) exit 0 ;;
      2) deploy ;;
      *) exit "$code" ;;
    esac
    ;;
  *)
    echo "usage: deploy.sh plan|deploy|auto [ENV]" >&2
    exit 64
    ;;
esac
