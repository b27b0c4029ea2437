# Keys in this shell's environment. asp -x exports a profile's credentials (the prompt shows
# their time left); asp removes only keys asso exported; keys the user set win over any profile
# in every AWS tool, so the prompt says "env keys" and asp warns once.

typeset -g _asso_xkey=        # the access key id asso exported last (not exported itself)
typeset -g _asso_warned_key=  # the user's key asp last warned about

# True when the keys in the environment are the ones asso exported.
_asso_keys_mine() {
  emulate -L zsh
  [[ -n $_asso_xkey && ${AWS_ACCESS_KEY_ID-} == "$_asso_xkey" ]]
}

# asp -x NAME: switch to NAME, then export its keys into this shell. The helper writes
# NUL-ended name/value pairs, read here with builtins: nothing is evaluated.
_asso_asp_export() {
  emulate -L zsh
  if [[ -z ${1-} ]]; then
    print -ru2 -- "asp: -x needs a profile"
    return 2
  fi
  if [[ -n ${AWS_ACCESS_KEY_ID-} ]] && ! _asso_keys_mine; then
    print -ru2 -- "asp: AWS_ACCESS_KEY_ID is set (not by asso); unset it first"
    return 1
  fi
  # The keys first: when they cannot be had, nothing changes (not even the profile).
  local out
  out=$("$ASSO_HELPER" "$_asso_cmd_export" --nul -- "$1") || return
  local -a parts=("${(@0)out}")
  local -A got
  local -i i
  for (( i = 1; i < $#parts; i += 2 )); do
    [[ $parts[i] == (AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_CREDENTIAL_EXPIRATION) ]] &&
      got[$parts[i]]=$parts[i+1]
  done
  [[ -n ${got[AWS_ACCESS_KEY_ID]-} && -n ${got[AWS_SECRET_ACCESS_KEY]-} ]] || return 1
  asp -- "$1" || return
  unset AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION
  export AWS_ACCESS_KEY_ID=$got[AWS_ACCESS_KEY_ID]
  export AWS_SECRET_ACCESS_KEY=$got[AWS_SECRET_ACCESS_KEY]
  [[ -z ${got[AWS_SESSION_TOKEN]-} ]] || export AWS_SESSION_TOKEN=$got[AWS_SESSION_TOKEN]
  [[ -z ${got[AWS_CREDENTIAL_EXPIRATION]-} ]] ||
    export AWS_CREDENTIAL_EXPIRATION=$got[AWS_CREDENTIAL_EXPIRATION]
  _asso_xkey=$AWS_ACCESS_KEY_ID
  _asso_key=
  _asso_precmd
}

# Before asp switches or clears: remove the keys asso exported, never the user's.
_asso_drop_keys() {
  emulate -L zsh
  [[ -n $_asso_xkey ]] || return 0
  if _asso_keys_mine; then
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION
  fi
  _asso_xkey=
}

# After asp NAME: the user's keys override NAME in every AWS tool. Said once per key.
_asso_keys_warning() {
  emulate -L zsh
  [[ -n ${AWS_ACCESS_KEY_ID-} && -n ${AWS_SECRET_ACCESS_KEY-} ]] || return 0
  _asso_keys_mine && return 0
  [[ $AWS_ACCESS_KEY_ID != "$_asso_warned_key" ]] || return 0
  _asso_warned_key=$AWS_ACCESS_KEY_ID
  print -ru2 -- "asp: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in this shell win over profile '${(V)1}' in every AWS tool; unset them to use the profile"
}
