# shellcheck shell=bash
# _asso_plugin_dir is set by asso.bash, which sources this file.
# shellcheck disable=SC2154
# The helper on first use: find it, offer to install it, and check that its version is the
# plugin's. Nothing here runs at start-up or in the prompt hook but the lookup below: the offer
# and the version check happen in the first `asso` or `asp` of an interactive shell.

_asso_helper_checked='' _asso_offered=''

# A plugin inside an installed package (pip, pipx: `asso init`) uses the helper installed with
# it: PREFIX/lib/pythonX.Y/site-packages/asso/plugin -> PREFIX/bin/asso. Loaded before
# settings.bash, which looks elsewhere only when ASSO_HELPER is still empty.
case $_asso_plugin_dir in
  */lib/python*/site-packages/asso/plugin | */lib/python*/dist-packages/asso/plugin)
    if [[ -z ${ASSO_HELPER-} && -x ${_asso_plugin_dir%/lib/*}/bin/asso ]]; then
      ASSO_HELPER=${_asso_plugin_dir%/lib/*}/bin/asso
    fi
    ;;
esac

# REPLY: install.sh of the checkout this plugin was loaded from, or nothing (a package install).
_asso_install_script() {
  local top=${_asso_plugin_dir%/*}
  REPLY=$top/install.sh
  [[ -f $REPLY && -f $top/pyproject.toml ]] || REPLY=''
}

# REPLY: where install.sh records the helper's path and version (platformdirs' user data dir).
_asso_data_dir() {
  if [[ ${OSTYPE-} == darwin* ]]; then
    REPLY="${HOME-}/Library/Application Support/asso"
  else
    REPLY="${XDG_DATA_HOME:-${HOME-}/.local/share}/asso"
  fi
}

# REPLY: $1 in single quotes, for a command line the user can paste.
_asso_quote() {
  local q="'\\''"
  REPLY="'${1//\'/$q}'"
}

# The first line of file $1 in REPLY (a builtin: no process).
_asso_first_line() {
  REPLY=''
  [[ -r $1 ]] && IFS='' read -r REPLY <"$1"
  return 0
}

# Run install.sh with one progress line per step, then use the helper it recorded.
_asso_run_install() {
  local script=$1 REPLY
  if ! sh "$script" --no-hint </dev/null; then
    _asso_quote "$script"
    printf '%s\n' "asso: install.sh failed; run it yourself to see why: $REPLY" >&2
    return 1
  fi
  _asso_data_dir
  _asso_first_line "$REPLY/helper-path"
  [[ -n $REPLY ]] && ASSO_HELPER=$REPLY
  _asso_key='' _asso_regions=()
  [[ -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]]
}

# Ask one question, answered by one keypress: y installs, anything else does not.
_asso_ask() {
  local reply=''
  IFS='' read -r -s -n 1 -p "$1 [y/N] " reply || true
  printf '\n' >&2
  [[ $reply == [yY] ]]
}

# _asso_ensure_helper CMD: 0 when the helper can run CMD (after installing it, with consent).
_asso_ensure_helper() {
  # The usual case first, and cheap: asp is on a fast path.
  [[ -n $_asso_helper_checked && -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]] && return 0
  local cmd=$1 REPLY script quoted
  _asso_install_script
  script=$REPLY
  _asso_quote "$script"
  quoted=$REPLY
  if [[ -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]]; then
    [[ -n $_asso_helper_checked ]] && return 0
    _asso_helper_checked=1
    [[ $- == *i* ]] || return 0
    _asso_check_version "$script"
    return 0
  fi
  if [[ -z $script ]]; then
    printf '%s\n' "$cmd: the asso helper is not installed (reinstall asso with pip or pipx, or set ASSO_HELPER)" >&2
    return 1
  fi
  if [[ $- == *i* && -t 0 && -t 2 && -z $_asso_offered ]]; then
    _asso_offered=1
    printf '%s\n' "asso: the helper (the Python part of asso) is not installed yet." >&2
    if _asso_ask "asso: install it now with $quoted?"; then
      if _asso_run_install "$script"; then
        _asso_helper_checked=1
        return 0
      fi
      return 1
    fi
  fi
  printf '%s\n' "$cmd: the asso helper is not installed: run $quoted" >&2
  return 1
}

# Once per shell: a helper of another version than the plugin (a plugin manager updated one of
# them) is named, with the command that brings them in step, or upgraded with consent.
_asso_check_version() {
  local script=$1 REPLY plugin_version helper_version recorded data_dir quoted
  _asso_first_line "$_asso_plugin_dir/VERSION"
  plugin_version=$REPLY
  [[ -n $plugin_version ]] || return 0
  _asso_data_dir
  data_dir=$REPLY
  # install.sh records the version beside the path: reading it starts no process.
  _asso_first_line "$data_dir/helper-path"
  recorded=$REPLY
  if [[ $recorded == "$ASSO_HELPER" && -r $data_dir/helper-version ]]; then
    _asso_first_line "$data_dir/helper-version"
    helper_version=$REPLY
  else
    helper_version=$("$ASSO_HELPER" --version 2>/dev/null) || helper_version=''
    helper_version=${helper_version#asso }
  fi
  [[ -z $helper_version || $helper_version == "$plugin_version" ]] && return 0
  if [[ -z $script ]]; then
    printf '%s\n' "asso: the helper is $helper_version but the plugin $plugin_version: upgrade asso with pip or pipx" >&2
    return 0
  fi
  _asso_quote "$script"
  quoted=$REPLY
  if [[ -t 0 && -t 2 ]] && _asso_ask "asso: the helper is $helper_version but the plugin $plugin_version. Upgrade it with $quoted?"; then
    _asso_run_install "$script" || true
    return 0
  fi
  printf '%s\n' "asso: the helper is $helper_version but the plugin $plugin_version: upgrade with $quoted" >&2
  return 0
}
