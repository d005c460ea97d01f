# Sourced by the entrypoints and the healthcheck of the monero image. `read_secrets NAME…`: for each
# NAME whose NAME_FILE is set (a Compose secret, mounted as a file), NAME becomes the file's content,
# without its trailing newlines; NAME itself wins when both are set, as in the Node services. A file
# that cannot be read stops the caller.
read_secrets() {
  for name in "$@"; do
    eval "value=\${${name}:-} file=\${${name}_FILE:-}"
    [ -z "$value" ] && [ -n "$file" ] || continue
    if [ ! -r "$file" ]; then
      echo "${name}_FILE: cannot read $file" >&2
      exit 64
    fi
    eval "$name=\$(cat \"\$file\")"
  done
}
