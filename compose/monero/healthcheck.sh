#!/bin/sh
# Container healthchecks of the monero image: `healthcheck.sh monerod` (the daemon's RPC answers
# get_info) or `healthcheck.sh wallet-rpc` (the platform wallet exists and the wallet RPC answers
# get_version behind its digest login). Exit 0 = healthy.
set -eu

case "${1:-}" in
  monerod)
    curl --silent --fail --max-time 5 --output /dev/null \
      "http://127.0.0.1:${MONEROD_RPC_PORT:-18081}/get_info"
    ;;
  wallet-rpc)
    test -f "${WALLET_DIR:-/wallets}/${WALLET_NAME:?}.keys"
    printf '{"jsonrpc":"2.0","id":"0","method":"get_version"}' |
      curl --silent --fail --max-time 5 --output /dev/null --digest \
        --user "${MONERO_RPC_USER:?}:${MONERO_RPC_PASSWORD:?}" \
        --header 'content-type: application/json' --data-binary @- \
        "http://127.0.0.1:${WALLET_RPC_PORT:-18083}/json_rpc"
    ;;
  *)
    echo "usage: healthcheck.sh monerod|wallet-rpc" >&2
    exit 64
    ;;
esac
