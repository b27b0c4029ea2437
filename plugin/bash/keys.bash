# shellcheck shell=bash
# _asso_cmd_export comes from generated.bash.
# shellcheck disable=SC2154
# Keys in this shell's environment. asp -x exports a profile's credentials (the prompt shows
# their time left); asp removes only keys asso exported; keys the user set win over any profile
# in every AWS tool, so the prompt says "env keys" and asp warns once.

_asso_xkey=''       # the access key id asso exported last (not exported itself)
_asso_warned_key='' # the user's key asp last warned about

# True when the keys in the environment are the ones asso exported.
_asso_keys_mine() {
  [[ -n $_asso_xkey && ${AWS_ACCESS_KEY_ID-} == "$_asso_xkey" ]]
}

# asp -x NAME: switch to NAME, then export its keys into this shell. The helper writes
# NUL-ended name/value pairs, read here with `read -d ''`: nothing is evaluated.
_asso_asp_export() {
  if [[ -z ${1-} ]]; then
    printf '%s\n' "asp: -x needs a profile" >&2
    return 2
  fi
  if [[ -n ${AWS_ACCESS_KEY_ID-} ]] && ! _asso_keys_mine; then
    printf '%s\n' "asp: AWS_ACCESS_KEY_ID is set (not by asso); unset it first" >&2
    return 1
  fi
  # The keys first: when they cannot be had, nothing changes (not even the profile).
  local var value key='' secret='' token='' expiration=''
  while IFS='' read -r -d '' var && IFS='' read -r -d '' value; do
    case $var in
      AWS_ACCESS_KEY_ID) key=$value ;;
      AWS_SECRET_ACCESS_KEY) secret=$value ;;
      AWS_SESSION_TOKEN) token=$value ;;
      AWS_CREDENTIAL_EXPIRATION) expiration=$value ;;
    esac
  done < <("$ASSO_HELPER" "$_asso_cmd_export" --nul -- "$1")
  if [[ -z $key || -z $secret ]]; then
    # The helper's exit code (bash >= 4.4 waits for a process substitution); else 1.
    local status=1
    wait "$!" 2>/dev/null || status=$?
    ((status > 0 && status < 127)) || status=1
    return "$status"
  fi
  asp -- "$1" || return
  unset AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION
  export AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret"
  [[ -z $token ]] || export AWS_SESSION_TOKEN="$token"
  [[ -z $expiration ]] || export AWS_CREDENTIAL_EXPIRATION="$expiration"
  _asso_xkey=$key
  _asso_key=''
  _asso_refresh
  _asso_render
}

# Before asp switches or clears: remove the keys asso exported, never the user's.
_asso_drop_keys() {
  [[ -n $_asso_xkey ]] || return 0
  if _asso_keys_mine; then
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION
  fi
  _asso_xkey=''
}

# After asp NAME: the user's keys override NAME in every AWS tool. Said once per key.
_asso_keys_warning() {
  [[ -n ${AWS_ACCESS_KEY_ID-} && -n ${AWS_SECRET_ACCESS_KEY-} ]] || return 0
  _asso_keys_mine && return 0
  [[ $AWS_ACCESS_KEY_ID != "$_asso_warned_key" ]] || return 0
  _asso_warned_key=$AWS_ACCESS_KEY_ID
  printf '%s\n' "asp: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in this shell win over profile '${1//[[:cntrl:]]/?}' in every AWS tool; unset them to use the profile" >&2
  return 0
}
