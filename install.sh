#!/bin/sh
# Install asso: a virtualenv with the helper, and the shell plugin wired up.
#
#   ./install.sh                 install or upgrade, then print the line for your shell rc file
#   ./install.sh --add-to-rc     also add that line to ~/.zshrc and/or ~/.bashrc (once)
#   ./install.sh --venv DIR      put the virtualenv in DIR instead of the default
#   ./install.sh --python PY     use this interpreter (default: python3), >= 3.9
#   ./install.sh --demo          install, then start `asso demo` (no AWS account needed)
#   ./install.sh --dev           developer set-up: .venv in this repository with test tools
#   ./install.sh --uninstall     remove the virtualenv, the files and rc lines asso added
#   ./install.sh --purge         --uninstall, and asso's caches and state too
#   ./install.sh --no-hint       do not print the rc lines (the plugin asks for this)
#
# Non-interactive: it never asks a question, so it runs the same from a terminal or from CI.
# It runs from anywhere, also from a clone inside oh-my-zsh's custom/plugins.

# Sourced by a shell (a plugin manager falling back to *.sh files): do nothing, change nothing.
# shellcheck disable=SC3028,SC2128
if [ -n "${ZSH_VERSION-}" ]; then
  case ${ZSH_EVAL_CONTEXT-} in *:file*) return 0 ;; esac
elif [ -n "${BASH_VERSION-}" ] && [ "${BASH_SOURCE-}" != "$0" ]; then
  return 0
else
  # Other shells: when sourced, $0 is the shell's own name.
  case ${0##*/} in sh | -sh | dash | -dash | ksh | -ksh | mksh | -mksh | ash | -ash) return 0 ;; esac
fi

set -eu

repo=$(cd "$(dirname "$0")" && pwd -P)
python=python3
venv=''
dev=0
add_to_rc=0
demo=0
hint=1
uninstall=0
purge=0

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
    --no-hint) hint=0 ;;
    --uninstall) uninstall=1 ;;
    --purge) uninstall=1 purge=1 ;;
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
      sed -n '2,15s/^# \{0,1\}//p' "$0"
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

# asso's directories by the helper's own rules (asso.paths: standard library only, so it runs
# before anything is installed): data, cache, state and config, one a line.
dirs=$(PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$repo/src" "$python" -c 'from asso import paths
for d in (paths.user_data_dir(), paths.user_cache_dir(), paths.user_state_dir(), paths.user_config_dir()):
    print(d)') || die "cannot work out asso's directories"
data_dir=$(printf '%s\n' "$dirs" | sed -n 1p)
cache_dir=$(printf '%s\n' "$dirs" | sed -n 2p)
state_dir=$(printf '%s\n' "$dirs" | sed -n 3p)
config_dir=$(printf '%s\n' "$dirs" | sed -n 4p)
# What this script added, one tab-separated record a line (venv, link, rc), for --uninstall.
manifest=$data_dir/installed
omz_custom=${ZSH_CUSTOM:-${ZSH:-$HOME/.oh-my-zsh}/custom}
zsh_line="source '$repo/plugin/asso.plugin.zsh'"
bash_line="source '$repo/plugin/asso.bash'"
rc_mark='# asso: AWS profiles and SSO in the prompt'
tab=$(printf '\t')

if [ "$uninstall" = 1 ]; then
  # Byte-exact editing of rc files, and the records, need Python: install.sh needs it anyway.
  exec "$python" - "$manifest" "$data_dir" "$cache_dir" "$state_dir" "$config_dir" \
    "$purge" "$repo" "${venv:-$data_dir/venv}" "$rc_mark" "$HOME/.zshrc" "$zsh_line" \
    "$HOME/.bashrc" "$bash_line" "$omz_custom/plugins/asso" <<'PYTHON'
import os, shutil, sys

(manifest, data_dir, cache_dir, state_dir, config_dir, purge, repo, venv, mark,
 zshrc, zsh_line, bashrc, bash_line, omz_link) = sys.argv[1:]
purge = purge == "1"
records = []
try:
    with open(manifest, encoding="utf-8") as f:
        records = [line.rstrip("\n").split("\t") for line in f if line.strip()]
except OSError:
    pass
venvs = [r[1] for r in records if r[0] == "venv"] or [venv]
links = [r[1] for r in records if r[0] == "link"] or [omz_link]
rcs = [(r[1], r[2]) for r in records if r[0] == "rc"] or [(zshrc, zsh_line), (bashrc, bash_line)]
home = os.path.expanduser("~")
def show(p): return "~" + p[len(home):] if p.startswith(home + "/") else p

for v in dict.fromkeys(venvs):
    if os.path.isfile(os.path.join(v, "pyvenv.cfg")):
        shutil.rmtree(v)
        print(f"Removed the virtualenv {show(v)}")
for link in dict.fromkeys(links):
    if os.path.islink(link) and os.path.realpath(link) in (repo, os.path.join(repo, "plugin")):
        os.unlink(link)
        print(f"Removed the oh-my-zsh link {show(link)}")
for rc, line in dict.fromkeys(rcs):
    block = ("\n" + mark + "\n" + line + "\n").encode()
    try:
        with open(rc, "rb") as f:
            data = f.read()
    except OSError:
        continue
    at = data.rfind(block)
    if at < 0:
        if line.encode() in (raw.rstrip(b"\r") for raw in data.split(b"\n")):
            print(f"Left {show(rc)}: its asso line is not the one install.sh added; remove it yourself")
        continue
    rest = data[:at] + data[at + len(block):]
    created = any(r[0] == "rc-created" and r[1] == rc for r in records)
    if created and not rest:
        os.unlink(rc)
        print(f"Removed {show(rc)} (install.sh had created it)")
        continue
    tmp = rc + ".asso-tmp"
    with open(tmp, "wb") as f:
        f.write(rest)
    shutil.copymode(rc, tmp)
    os.replace(tmp, rc)
    print(f"Removed from {show(rc)}: {line}")
for name in ("helper-path", "helper-version", "plugin-dir", "installed"):
    try:
        os.unlink(os.path.join(data_dir, name))
    except OSError:
        pass
keep_config = {"aliases", "accounts.json"}
def clear(d):
    if not os.path.isdir(d):
        return
    same_as_config = os.path.realpath(d) == os.path.realpath(config_dir)
    for entry in os.listdir(d):
        if same_as_config and entry in keep_config:
            continue
        p = os.path.join(d, entry)
        shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
    if not os.listdir(d):
        os.rmdir(d)
    print(f"Removed {show(d)}")
if purge:
    for d in dict.fromkeys((cache_dir, state_dir)):
        clear(d)
try:
    os.rmdir(data_dir)
except OSError:
    pass
print("Left alone: ~/.aws (your AWS config and SSO tokens)", end="")
print(f", your settings in {show(config_dir)}" if os.path.isdir(config_dir) else "", end="")
if not purge:
    print(f", caches and state in {show(cache_dir)} and {show(state_dir)} (--purge removes them)", end="")
print(f", and this checkout {repo}")
PYTHON
fi

[ -n "$venv" ] || venv=$data_dir/venv

if [ -x "$venv/bin/python" ]; then
  say "Upgrading asso in $venv"
else
  say "Creating the virtualenv $venv"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
fi
mkdir -p "$data_dir"
record() { # kind path [line]: once
  if ! { [ -f "$manifest" ] && grep -qxF "$1$tab$2${3+$tab$3}" "$manifest"; }; then
    printf '%s\n' "$1$tab$2${3+$tab$3}" >>"$manifest"
  fi
}
record venv "$venv"
say "Installing the helper with pip (this takes a moment)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "$repo"
helper=$venv/bin/asso
[ -x "$helper" ] || die "the helper was not installed at $helper"
version=$("$helper" --version)
version=${version#asso }

# The plugin reads these files (with shell builtins) to find the helper by absolute path, and
# its version without starting it.
tmp=$data_dir/.install.$$
printf '%s\n' "$helper" >"$tmp" && mv -f "$tmp" "$data_dir/helper-path"
printf '%s\n' "$version" >"$tmp" && mv -f "$tmp" "$data_dir/helper-version"
# And where the plugin is, for `asso demo` (the package in the venv carries a copy too).
printf '%s\n' "$repo/plugin" >"$tmp" && mv -f "$tmp" "$data_dir/plugin-dir"
say "Helper: $helper (asso $version)"

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

# oh-my-zsh: link this checkout where its loader looks, unless it is already there.
if [ -d "$omz_custom" ]; then
  link=$omz_custom/plugins/asso
  if [ -d "$link" ] && [ ! -L "$link" ]; then
    if [ "$(cd "$link" && pwd -P)" = "$repo" ]; then
      say "oh-my-zsh: this checkout is $link; add asso to plugins=(...) in ~/.zshrc"
    else
      say "oh-my-zsh: $link is another directory: left alone"
    fi
  else
    mkdir -p "$omz_custom/plugins"
    ln -sfn "$repo" "$link"
    record link "$link"
    say "oh-my-zsh: linked $link; add asso to plugins=(...) in ~/.zshrc"
  fi
fi

add_line() { # file line
  if [ -f "$1" ] && grep -qxF "$2" "$1"; then
    say "$1 already loads asso"
    return
  fi
  [ -e "$1" ] || record rc-created "$1"
  printf '\n%s\n%s\n' "$rc_mark" "$2" >>"$1"
  record rc "$1" "$2"
  say "Added to $1: $2"
}

if [ "$add_to_rc" = 1 ]; then
  add_line "$HOME/.zshrc" "$zsh_line"
  add_line "$HOME/.bashrc" "$bash_line"
elif [ "$hint" = 1 ]; then
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
