#!/usr/bin/env bash
# Quick start, step 1: installs what the demo needs, builds a release binary, starts a
# loopback STS (moto, signature checking on) and a private keyring, and shows the AWS CLI
# getting an assumed-role identity through sts-proc.
# What it changes: Debian packages installed system-wide (scripts/install-deps.sh demo
# lists them first), Python packages in .venv/, the build in .build/, and logs in
# .build/demo-logs/. Everything else (config files, moto, the keyring, the kernel
# keyring's copies) lives in temporary folders and namespaces removed at the end.
set -euo pipefail
self=$(realpath "$0")  # before changing folder: $0 may be relative
cd "$(dirname "$self")/.."

if [ "${1:-}" != "--inside-testbed" ]; then
  source scripts/lib/stage.sh
  rm -rf .build/demo-logs
  stage_init .build/demo-logs
  stage "dependencies (scripts/install-deps.sh demo)" --attached -- scripts/install-deps.sh demo
  stage "build (swift build -c release --product sts-proc, about 2 minutes the first time)" \
    --show '^\[[0-9]+/[0-9]+\] (Compiling|Linking)|complete!' -- swift build -c release --product sts-proc
  export PATH="$PWD/.venv/bin:$PATH"
  echo "==> a loopback STS and a private keyring (scripts/with-testbed.sh)"
  exec bash scripts/with-testbed.sh bash "$self" --inside-testbed
fi

bin="$(swift build -c release --show-bin-path)/sts-proc"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
# The keyring and the kernel keyring are the testbed's own and go with it.
trap 'kill $moto_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "$endpoint/moto-api/" && break; sleep 0.1; done
curl -sf -o /dev/null "$endpoint/moto-api/" || { echo "demo: moto did not start" >&2; cat "$work/moto.log" >&2; exit 1; }

# Create a user, its key and a role while moto still accepts anything, then turn on
# signature checking: from here on only correctly signed requests with that key pass.
setup_env=(env AWS_ACCESS_KEY_ID=setup AWS_SECRET_ACCESS_KEY=setup AWS_DEFAULT_REGION=us-east-1
           AWS_ENDPOINT_URL="$endpoint" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null)
allow_all='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
# moto compares trust-policy principals literally, so the trust names the user itself.
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/demo-user"},"Action":"sts:AssumeRole"}]}'
"${setup_env[@]}" aws iam create-user --user-name demo-user >/dev/null
"${setup_env[@]}" aws iam put-user-policy --user-name demo-user --policy-name all --policy-document "$allow_all"
"${setup_env[@]}" aws iam create-role --role-name demo-role --assume-role-policy-document "$trust" >/dev/null
"${setup_env[@]}" aws iam put-role-policy --role-name demo-role --policy-name all --policy-document "$allow_all"
read -r key_id secret < <("${setup_env[@]}" aws iam create-access-key --user-name demo-user \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
curl -sf -X POST -H 'Content-Type: text/plain' --data 0 "$endpoint/moto-api/reset-auth" >/dev/null

umask 077
cat >"$work/credentials" <<INI
[demo-base]
aws_access_key_id = $key_id
aws_secret_access_key = $secret
INI
cat >"$work/config" <<INI
[profile demo]
credential_process = $bin --profile demo
sts_proc_role_arn = arn:aws:iam::123456789012:role/demo-role
sts_proc_source_profile = demo-base
sts_proc_role_session_name = quick-start
region = us-east-1
INI

export AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
export AWS_ENDPOINT_URL_STS="$endpoint"
echo "== ~/.aws/config (temporary copy):"; cat "$work/config"
echo "== aws sts get-caller-identity --profile demo"
aws sts get-caller-identity --profile demo
