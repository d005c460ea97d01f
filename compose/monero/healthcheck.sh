#!/bin/sh
# Container healthchecks of the monero image: `healthcheck.sh monerod` (the daemon's RPC answers
# get_info behind its digest login) or `healthcheck.sh wallet-rpc` (the platform wallet exists and the
# wallet RPC answers get_version behind its digest login). Exit 0 = healthy. The logins go to curl
# through its standard input, not its command line.
set -eu
. "$(dirname "$0")/read-secrets.sh"

# curl's config line for a digest login: `user = "NAME:PASSWORD"`, with \ and " escaped.
login_config() {
  printf 'user = "%s"\n' "$(printf '%s:%s' "$1" "$2" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

case "${1:-}" in
  monerod)
    read_secrets MONEROD_RPC_PASSWORD
    login_config "${MONEROD_RPC_USER:?}" "${MONEROD_RPC_PASSWORD:?}" |
      curl --config - --silent --fail --max-time 5 --output /dev/null --digest \
        "http://127.0.0.1:${MONEROD_RPC_PORT:-18081}/get_info"
    ;;
  wallet-rpc)
    read_secrets MONERO_RPC_PASSWORD
    test -f "${WALLET_DIR:-/wallets}/${WALLET_NAME:?}.keys"
    login_config "${MONERO_RPC_USER:?}" "${MONERO_RPC_PASSWORD:?}" |
      curl --config - --silent --fail --max-time 5 --output /dev/null --digest \
        --header 'content-type: application/json' --data-binary '{"jsonrpc":"2.0","id":"0","method":"get_version"}' \
        "http://127.0.0.1:${WALLET_RPC_PORT:-18083}/json_rpc"
    ;;
  *)
    echo "usage: healthcheck.sh monerod|wallet-rpc" >&2
    exit 64
    ;;
esac
