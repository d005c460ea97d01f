#!/bin/sh
# The secrets of the production layout (docker-compose.prod.yml), as files in one directory:
#
#   compose/generate-secrets.sh [DIR]        (DIR: $PUPERO_SECRETS_DIR, else ./secrets)
#
# Creates what is missing and never replaces an existing key or password, so it is safe to run again;
# to rotate one, delete its file first (docs/operations.md, "Keys and credentials"). Then rewrites
# what is derived from them: the database and broker URLs (user and password of each service) and
# public-keys.env, the public keys for the operator's environment file. Needs openssl.
#
# - Keys: ECDSA P-256, one line of base64 DER (PKCS#8), like `npm run keys` writes them (either may
#   write them: a key already in DIR is kept).
# - Passwords: 32 random bytes in hex (they go into URLs unescaped).
set -eu

dir="${1:-${PUPERO_SECRETS_DIR:-./secrets}}"
umask 077
mkdir -p "$dir"
chmod 0700 "$dir"
# Compose mounts each file as it is, and the containers do not run as root: the files are readable
# by everyone, the directory only by its owner.
umask 022

# The MariaDB user of each service (its RabbitMQ user is pupero-<service>).
database_user() {
  case "$1" in
    login) echo pupero_login ;;
    offers) echo pupero_offers ;;
    transactions) echo pupero_transactions ;;
    wallet-manager) echo pupero_wallet ;;
    frontend) echo pupero_frontend ;;
  esac
}

# A key already there (also one `npm run keys DIR` wrote, mode 0600) is kept, and made readable.
new_key() {
  if [ ! -s "$dir/$1.key" ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 |
      openssl pkcs8 -topk8 -nocrypt -outform DER | openssl base64 -A > "$dir/$1.key"
    echo >> "$dir/$1.key"
    echo "created $dir/$1.key"
  fi
  chmod 0644 "$dir/$1.key"
}

public_key() {
  openssl base64 -d -A < "$dir/$1.key" | openssl pkey -inform DER -pubout -outform DER | openssl base64 -A
}

# A password already there (also one written by hand, e.g. an existing deployment's) is kept.
new_password() {
  if [ ! -s "$dir/$1" ]; then
    openssl rand -hex 32 > "$dir/$1"
    echo "created $dir/$1"
  fi
  chmod 0644 "$dir/$1"
}

# A derived file: written again each time, from the current passwords.
derived() {
  printf '%s\n' "$2" > "$dir/$1.new"
  mv "$dir/$1.new" "$dir/$1"
}

for key in access-token login offers transactions wallet-manager frontend; do new_key "$key"; done
for secret in mariadb-root-password monerod-rpc-password wallet-rpc-password wallet-password session-secret; do
  new_password "$secret"
done

derived migrations-database-url "mysql://root:$(cat "$dir/mariadb-root-password")@mariadb:3306/pupero"
for service in login offers transactions wallet-manager frontend; do
  new_password "$service-db-password"
  derived "$service-database-url" "mysql://$(database_user "$service"):$(cat "$dir/$service-db-password")@mariadb:3306/pupero"
done
for service in transactions wallet-manager; do
  new_password "$service-broker-password"
  derived "$service-broker-url" "amqp://pupero-$service:$(cat "$dir/$service-broker-password")@rabbitmq:5672"
done

derived public-keys.env "# Public keys of $dir (compose/generate-secrets.sh): add them to the environment file.
ACCESS_TOKEN_PUBLIC_KEYS=$(public_key access-token)
LOGIN_PUBLIC_KEY=$(public_key login)
OFFERS_PUBLIC_KEY=$(public_key offers)
TRANSACTIONS_PUBLIC_KEY=$(public_key transactions)
WALLET_MANAGER_PUBLIC_KEY=$(public_key wallet-manager)
FRONTEND_PUBLIC_KEY=$(public_key frontend)"
echo "wrote $dir/public-keys.env"
