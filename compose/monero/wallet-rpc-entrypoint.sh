#!/bin/sh
# monero-wallet-rpc for the platform wallet, in the foreground as the container's main process
# (SIGTERM saves the wallet). On the first start, when "$WALLET_NAME.keys" is not in the wallet
# directory yet, it first creates the wallet through a wallet RPC of its own on 127.0.0.1
# (`create_wallet`, digest auth through curl), stops it (`stop_wallet` saves the files), then starts
# the real one. The wallet manager opens the wallet by name (`open_wallet`) with WALLET_PASSWORD.
# It reaches monerod with monerod's login (`--daemon-login`). Each password may instead be given as
# NAME_FILE, a Compose secret.
set -eu
. "$(dirname "$0")/read-secrets.sh"
read_secrets MONERO_RPC_PASSWORD WALLET_PASSWORD MONEROD_RPC_PASSWORD

: "${MONERO_RPC_USER:?MONERO_RPC_USER is required}"
: "${MONERO_RPC_PASSWORD:?MONERO_RPC_PASSWORD is required}"
: "${WALLET_NAME:?WALLET_NAME is required}"
: "${WALLET_PASSWORD:?WALLET_PASSWORD is required}"
: "${MONEROD_RPC_USER:?MONEROD_RPC_USER is required: monerod's RPC has a login}"
: "${MONEROD_RPC_PASSWORD:?MONEROD_RPC_PASSWORD is required: monerod's RPC has a login}"
MONERO_NETWORK="${MONERO_NETWORK:-testnet}"
WALLET_RPC_PORT="${WALLET_RPC_PORT:-18083}"
WALLET_DIR="${WALLET_DIR:-/wallets}"
MONEROD_ADDRESS="${MONEROD_ADDRESS:-monerod:18081}"
# The first-start RPC listens on its own port, so the healthcheck (on WALLET_RPC_PORT) cannot pass
# and let the wallet manager in before the real RPC runs.
SETUP_RPC_PORT="${WALLET_SETUP_RPC_PORT:-18099}"

case "$MONERO_NETWORK" in
  testnet) network_flag=--testnet ;;
  stagenet) network_flag=--stagenet ;;
  # Regtest addresses use mainnet prefixes, so a regtest wallet is a mainnet-format wallet.
  mainnet | regtest) network_flag= ;;
  *)
    echo "MONERO_NETWORK must be mainnet, testnet, stagenet or regtest, not '$MONERO_NETWORK'" >&2
    exit 64
    ;;
esac

# The wallet name becomes a file name: refuse paths and anything a JSON string would need escaped.
case "$WALLET_NAME" in
  *[!A-Za-z0-9._-]* | .*)
    echo "WALLET_NAME may use only letters, digits, '.', '_' and '-', and may not start with '.'" >&2
    exit 64
    ;;
esac

# $1 as a JSON string (backslashes and double quotes escaped).
json_string() {
  printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# JSON-RPC call to the first-start wallet RPC. The body goes through stdin, so the wallet password
# never appears in a process list; curl answers the digest challenge on one connection.
wallet_rpc() {
  answer=$(printf '{"jsonrpc":"2.0","id":"0","method":"%s","params":%s}' "$1" "$2" |
    curl --silent --show-error --fail --digest --user "$MONERO_RPC_USER:$MONERO_RPC_PASSWORD" \
      --header 'content-type: application/json' --data-binary @- \
      "http://127.0.0.1:$SETUP_RPC_PORT/json_rpc") || return 1
  case "$answer" in
    *'"error"'*)
      echo "$1: $answer" >&2
      return 1
      ;;
  esac
}

create_platform_wallet() {
  echo "creating the platform wallet '$WALLET_NAME' in $WALLET_DIR ($MONERO_NETWORK)"
  monero-wallet-rpc "$@" --rpc-bind-ip 127.0.0.1 --rpc-bind-port "$SETUP_RPC_PORT" &
  rpc_pid=$!
  tries=0
  until wallet_rpc get_version '{}' 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -ge 120 ] || ! kill -0 "$rpc_pid" 2>/dev/null; then
      echo "the first-start wallet RPC did not answer within 60 s" >&2
      kill "$rpc_pid" 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  wallet_rpc create_wallet "{\"filename\":$(json_string "$WALLET_NAME"),\"password\":$(json_string "$WALLET_PASSWORD"),\"language\":\"English\"}"
  wallet_rpc stop_wallet '{}'
  wait "$rpc_pid"
  if [ ! -f "$WALLET_DIR/$WALLET_NAME.keys" ]; then
    echo "create_wallet answered but $WALLET_DIR/$WALLET_NAME.keys is missing" >&2
    exit 1
  fi
  echo "created the platform wallet '$WALLET_NAME': back up its seed now (docs/operations.md, Backups)"
}

# Options of both the first-start RPC and the real one.
set -- \
  --daemon-address "$MONEROD_ADDRESS" \
  --daemon-login "$MONEROD_RPC_USER:$MONEROD_RPC_PASSWORD" \
  --trusted-daemon \
  --wallet-dir "$WALLET_DIR" \
  --shared-ringdb-dir "$WALLET_DIR/.shared-ringdb" \
  --rpc-login "$MONERO_RPC_USER:$MONERO_RPC_PASSWORD" \
  --log-file "$WALLET_DIR/monero-wallet-rpc.log" \
  --max-log-files 3 \
  --non-interactive
if [ -n "$network_flag" ]; then set -- "$network_flag" "$@"; fi

if [ ! -f "$WALLET_DIR/$WALLET_NAME.keys" ]; then
  create_platform_wallet "$@"
fi

echo "starting monero-wallet-rpc ($MONERO_NETWORK) for $WALLET_DIR, daemon $MONEROD_ADDRESS"
exec monero-wallet-rpc "$@" --rpc-bind-ip 0.0.0.0 --rpc-bind-port "$WALLET_RPC_PORT" --confirm-external-bind
