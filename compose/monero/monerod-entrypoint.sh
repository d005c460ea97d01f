#!/bin/sh
# monerod in the foreground as the container's main process, so `docker stop` (SIGTERM) closes its
# database cleanly. The network comes from MONEROD_ARGS: --testnet when it is not set at all; set and
# empty (or without a network flag) means mainnet. The RPC listens on MONEROD_RPC_PORT on every
# interface of the container (Compose decides what reaches it), always behind a digest login:
# MONEROD_RPC_USER and MONEROD_RPC_PASSWORD (or MONEROD_RPC_PASSWORD_FILE, a Compose secret).
#
# Arguments go to monerod as they are: `--restricted-rpc` in production. Without it the RPC on
# MONEROD_RPC_PORT is the full one (mining, pop_blocks, …), which this script allows on regtest only.
set -eu
. "$(dirname "$0")/read-secrets.sh"
read_secrets MONEROD_RPC_PASSWORD

MONEROD_ARGS="${MONEROD_ARGS---testnet}"
MONEROD_RPC_PORT="${MONEROD_RPC_PORT:-18081}"
MONEROD_DATA_DIR="${MONEROD_DATA_DIR:-/data}"
: "${MONEROD_RPC_USER:?MONEROD_RPC_USER is required: the RPC always has a login}"
: "${MONEROD_RPC_PASSWORD:?MONEROD_RPC_PASSWORD or MONEROD_RPC_PASSWORD_FILE is required: the RPC always has a login}"

# A daemon on one network and a wallet on another would fail in confusing ways (or, worse, a
# mainnet wallet would talk to a testnet daemon): refuse to start when the two settings disagree.
case " $MONEROD_ARGS " in
  *" --testnet "*) args_network=testnet ;;
  *" --stagenet "*) args_network=stagenet ;;
  *" --regtest "*) args_network=regtest ;;
  *) args_network=mainnet ;;
esac
if [ -n "${MONERO_NETWORK:-}" ] && [ "$MONERO_NETWORK" != "$args_network" ]; then
  echo "MONERO_NETWORK is $MONERO_NETWORK but MONEROD_ARGS ($MONEROD_ARGS) runs $args_network; make them agree" >&2
  exit 64
fi

case " $MONEROD_ARGS $* " in
  *" --restricted-rpc "*) rpc=restricted ;;
  *)
    if [ "$args_network" != regtest ]; then
      echo "monerod's full RPC (no --restricted-rpc) is for regtest only, not $args_network" >&2
      exit 64
    fi
    rpc=full
    ;;
esac

echo "starting monerod ($args_network, $rpc RPC on $MONEROD_RPC_PORT) with: $MONEROD_ARGS $*"
# MONEROD_ARGS is a list of flags: it is split on spaces on purpose.
# shellcheck disable=SC2086
exec monerod $MONEROD_ARGS "$@" \
  --data-dir "$MONEROD_DATA_DIR" \
  --rpc-bind-ip 0.0.0.0 \
  --rpc-bind-port "$MONEROD_RPC_PORT" \
  --rpc-login "$MONEROD_RPC_USER:$MONEROD_RPC_PASSWORD" \
  --confirm-external-bind \
  --no-igd \
  --no-zmq \
  --non-interactive \
  --max-log-files 3
