# Shared by scripts/test and scripts/demo: create .venv and install mailbot into it.
# Works on a fresh Debian 12 machine as root with only Python installed.

ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv 2>/dev/null; then
      rm -rf .venv
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "scripts: installing python3-venv (Debian)" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv .venv
      else
        echo "scripts: python3 -m venv failed; install python3-venv (Debian: apt-get install python3-venv)" >&2
        exit 1
      fi
    fi
  fi
  local stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-$1
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$1]"
    touch "$stamp"
  fi
}
