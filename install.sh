#!/bin/sh
# Install asso: a virtualenv with the helper, and the shell plugin wired up.
#
#   ./install.sh                 install or upgrade, then print the line for your shell rc file
#   ./install.sh --add-to-rc     also add that line to ~/.zshrc and/or ~/.bashrc (once)
#   ./install.sh --venv DIR      put the virtualenv in DIR instead of the default
#   ./install.sh --python PY     use this interpreter (default: python3), >= 3.9
#   ./install.sh --demo          install, then start `asso demo` (no AWS account needed)
#   ./install.sh --dev           developer set-up: .venv in this repository with test tools
#
# Non-interactive: it never asks a question, so it runs the same from a terminal or from CI.
set -eu

repo=$(cd "$(dirname "$0")" && pwd -P)
python=python3
venv=''
dev=0
add_to_rc=0
demo=0

say() { printf '%s\n' "$*"; }
die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case $1 in
    --dev) dev=1 ;;
    --add-to-rc) add_to_rc=1 ;;
    --demo) demo=1 ;;
    --venv)
      [ $# -ge 2 ] || die "--venv needs a directory"
      venv=$2
      shift
      ;;
    --venv=*) venv=${1#--venv=} ;;
    --python)
      [ $# -ge 2 ] || die "--python needs an interpreter"
      python=$2
      shift
      ;;
    --python=*) python=${1#--python=} ;;
    -h | --help)
      sed -n '2,11s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

command -v "$python" >/dev/null 2>&1 || die "$python not found: install Python 3.9 or later"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
  die "$python is $("$python" -c 'import platform; print(platform.python_version())'); asso needs 3.9 or later"

if [ "$dev" = 1 ]; then
  venv=$repo/.venv
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e "${repo}[test]"
  say "Developer environment ready in $venv"
  say "Run the tests with: .venv/bin/python -m pytest"
  exit 0
fi

# asso's data dir by the helper's own rules (asso.paths: standard library only, so it runs
# before anything is installed).
data_dir=$(PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$repo/src" "$python" -c \
  'from asso.paths import user_data_dir; print(user_data_dir())') ||
  die "cannot work out the data directory"
[ -n "$venv" ] || venv=$data_dir/venv

if [ -x "$venv/bin/python" ]; then
  say "Upgrading asso in $venv"
else
  say "Creating $venv"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet --upgrade "$repo"
helper=$venv/bin/asso
[ -x "$helper" ] || die "the helper was not installed at $helper"

# The plugin reads this file (with shell builtins) to find the helper by absolute path.
mkdir -p "$data_dir"
tmp=$data_dir/.helper-path.$$
printf '%s\n' "$helper" >"$tmp" && mv -f "$tmp" "$data_dir/helper-path"
# And where the plugin is, for `asso demo` (the package in the venv is a copy without it).
printf '%s\n' "$repo/plugin" >"$tmp" && mv -f "$tmp" "$data_dir/plugin-dir"
say "Helper: $helper ($("$helper" --version))"

# zsh reads a compiled copy (FILE.zwc, used only while it is newer than FILE) faster than the
# text: the first prompt of a new shell costs less. Written here only, where asso is installed.
if command -v zsh >/dev/null 2>&1; then
  if zsh -fc 'for f in "$1"/asso.plugin.zsh "$1"/zsh/*.zsh; do zcompile -R -- "$f.zwc" "$f" || exit 1; done' \
    zsh "$repo/plugin" 2>/dev/null; then
    say "zsh: compiled the plugin (a faster start)"
  else
    say "zsh: could not compile the plugin; it works as it is, a little slower to start"
  fi
fi

zsh_line="source '$repo/plugin/asso.plugin.zsh'"
bash_line="source '$repo/plugin/asso.bash'"

# oh-my-zsh: link the plugin where its loader looks.
omz_custom=${ZSH_CUSTOM:-${ZSH:-$HOME/.oh-my-zsh}/custom}
if [ -d "$omz_custom" ]; then
  mkdir -p "$omz_custom/plugins"
  ln -sfn "$repo/plugin" "$omz_custom/plugins/asso"
  say "oh-my-zsh: linked $omz_custom/plugins/asso; add asso to plugins=(...) in ~/.zshrc"
fi

add_line() { # file line
  if [ -f "$1" ] && grep -qF "$2" "$1"; then
    say "$1 already loads asso"
  else
    printf '\n# asso: AWS profiles and SSO in the prompt\n%s\n' "$2" >>"$1"
    say "Added to $1: $2"
  fi
}

if [ "$add_to_rc" = 1 ]; then
  add_line "$HOME/.zshrc" "$zsh_line"
  add_line "$HOME/.bashrc" "$bash_line"
else
  say ""
  say "To load asso, add this line to ~/.zshrc:"
  say "  $zsh_line"
  say "or this one to ~/.bashrc:"
  say "  $bash_line"
  say "(./install.sh --add-to-rc does it for you.)"
fi

if [ "$demo" = 1 ]; then
  say ""
  exec "$helper" demo
fi
