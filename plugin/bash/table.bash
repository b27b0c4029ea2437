# shellcheck shell=bash
# The ASSO_* variables are this plugin's output, read by prompts and themes; generated.bash
# declares _asso_table_stem.
# shellcheck disable=SC2034,SC2154
# The profile table (asso.shell.profiletable): the helper writes every profile's state; `asp`
# and completion read it here, with builtins, while it is current. It only answers what it
# holds: an exact profile name or an alias. Everything else goes to the helper.
# bash 4.2 or later (associative arrays, declare -g); older bash always asks the helper.

_asso_tbl_file='' _asso_tbl_gen='' _asso_tbl_rest='' _asso_tbl_next='' _asso_tbl_buckets=0
_asso_tbl_names_gen=''
_asso_tbl_watch=() _asso_tbl_names=()
if ((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 2))); then
  declare -gA _asso_tbl=() _asso_tbl_loaded=() # name: record, from the buckets read so far
  _asso_tbl_ok=1
  _asso_tbl_mapfile=0 # mapfile -d: bash 4.4
  ((BASH_VERSINFO[0] > 4 || BASH_VERSINFO[1] >= 4)) && _asso_tbl_mapfile=1
else
  _asso_tbl_ok=0
fi

# The table's header file for the current region (the region is part of every record).
_asso_table_path() {
  _asso_file_word "${AWS_REGION:-${AWS_DEFAULT_REGION-}}"
  REPLY=$ASSO_STATE_DIR/prompt/$_asso_table_stem${REPLY:+-$REPLY}
}

# Read the table's header, or check the one read before: true when it is current for $1 (the
# inputs without the profile, see _asso_inputs).
_asso_table_current() {
  ((_asso_tbl_ok)) || return 1
  local REPLY file name='' value=''
  _asso_table_path
  file=$REPLY
  if [[ $file == "$_asso_tbl_file" && -n $_asso_tbl_gen ]]; then
    # Still the write read before (the gen record comes first), and nothing it watches changed.
    { IFS='' read -r -d '' name && IFS='' read -r -d '' value; } <"$file" 2>/dev/null
    if [[ $name != gen || $value != "$_asso_tbl_gen" ]] ||
      _asso_watch_changed "$file" ${_asso_tbl_watch[@]+"${_asso_tbl_watch[@]}"}; then
      _asso_table_read_header "$file" || return 1
    fi
  else
    _asso_table_read_header "$file" || return 1
  fi
  [[ $1 == "$_asso_tbl_rest" ]] || return 1
  if [[ -n $_asso_tbl_next ]]; then
    _asso_now
    ((REPLY < _asso_tbl_next)) || return 1
  fi
  return 0
}

_asso_table_read_header() {
  local file=$1 name value r_gen='' r_rest='' r_next='' r_buckets='' r_end=''
  _asso_tbl_file='' _asso_tbl_gen='' _asso_tbl=() _asso_tbl_loaded=()
  _asso_tbl_watch=()
  _asso_own_file "$file" || return 1
  while IFS='' read -r -d '' name && IFS='' read -r -d '' value; do
    case $name in
      gen) r_gen=$value ;;
      rest) r_rest=$value ;;
      next_check) r_next=$value ;;
      buckets) r_buckets=$value ;;
      end) r_end=$value ;;
      watch) _asso_tbl_watch+=("$value") ;;
    esac
  done <"$file" 2>/dev/null
  [[ $r_end == 1 && -n $r_gen && $r_buckets == [1-9]* && $r_buckets != *[!0-9]* ]] || return 1
  [[ $r_next != *[!0-9]* ]] || return 1 # numbers, before arithmetic sees them
  # Stale already if a watched file changed after the helper read it.
  ! _asso_watch_changed "$file" ${_asso_tbl_watch[@]+"${_asso_tbl_watch[@]}"} || return 1
  _asso_tbl_file=$file _asso_tbl_gen=$r_gen _asso_tbl_rest=$r_rest _asso_tbl_next=$r_next
  _asso_tbl_buckets=$r_buckets
  return 0
}

# REPLY: the bucket of the name $1 (profiletable.bucket_of).
_asso_table_bucket_of() {
  local name=$1 c h=0 i
  for ((i = 0; i < ${#name}; i++)); do
    printf -v c '%d' "'${name:i:1}"
    ((h = (h * 31 + c) & 16777215))
  done
  REPLY=$((h & (_asso_tbl_buckets - 1)))
}

# Read the bucket that holds $1, once per table (a name already read needs no hashing).
_asso_table_bucket() {
  [[ -n ${_asso_tbl[$1]+set} ]] && return 0
  local REPLY h file key value i
  local -a fields
  _asso_table_bucket_of "$1"
  h=$REPLY
  [[ -n ${_asso_tbl_loaded[$h]-} ]] && return 0
  file=$_asso_tbl_file.d/$h
  _asso_own_file "$file" || return 1
  if ((_asso_tbl_mapfile)); then
    mapfile -d '' fields <"$file" 2>/dev/null || return 1
  else
    while IFS='' read -r -d '' key; do
      fields+=("$key")
    done <"$file" 2>/dev/null
  fi
  # Written before the header: another gen means a write in progress.
  [[ ${fields[0]-} == gen && ${fields[1]-} == "$_asso_tbl_gen" ]] || return 1
  for ((i = 2; i + 1 < ${#fields[@]}; i += 2)); do
    _asso_tbl[${fields[i]}]=${fields[i + 1]}
  done
  _asso_tbl_loaded[$h]=1
  return 0
}

# asp's lookup: $1 a name, $2 its key (_asso_inputs NAME); $3 "exact" takes no alias (the
# prompt: AWS_PROFILE set by hand). On success REPLY is the profile $1 means and _asso_rec its
# record (profiletable.RECORD_FIELDS); a profile with an error, or whose token state changed by
# the clock since, is left to the helper.
_asso_rec=()
# shellcheck disable=SC2154 # _asso_key_sep, _asso_tbl_sep: generated.bash
_asso_table_select() {
  local name=$1 rec sep=$_asso_key_sep rs=$_asso_tbl_sep
  [[ -n $name && $2 == "$name$sep$name$sep"* ]] || return 1
  _asso_table_current "${2:$((2 * ${#name} + 2))}" || return 1
  _asso_table_bucket "$name" || return 1
  rec=${_asso_tbl[$name]-}
  if [[ $rec == "alias$rs"* && ${3-} != exact ]]; then
    name=${rec#"alias$rs"}
    _asso_table_bucket "$name" || return 1
    rec=${_asso_tbl[$name]-}
  fi
  [[ -n $rec && $rec != "alias$rs"* ]] || return 1
  # Split on RS in one read; the "." after the last keeps an empty last field.
  IFS=$rs read -r -d '' -a _asso_rec <<<"$rec$rs."
  ((${#_asso_rec[@]} == 14)) && [[ -z ${_asso_rec[11]} && ${_asso_rec[13]} == .$'\n' ]] ||
    return 1
  if [[ -n ${_asso_rec[8]} ]]; then
    [[ ${_asso_rec[8]} != *[!0-9]* ]] || return 1 # a number, before arithmetic sees it
    _asso_now
    ((REPLY < _asso_rec[8])) || return 1
  fi
  REPLY=$name
  return 0
}

# Make profile $1 (key $2, record in _asso_rec) the loaded state, as _asso_load_state does from
# a state file: the table's header is its stamp.
_asso_table_apply() {
  ASSO_PROFILE=$1 ASSO_KIND=${_asso_rec[0]} ASSO_ACCOUNT_ID=${_asso_rec[1]}
  ASSO_ACCOUNT_NAME=${_asso_rec[2]} ASSO_ROLE=${_asso_rec[3]} ASSO_REGION=${_asso_rec[4]}
  ASSO_REGION_SOURCE=${_asso_rec[5]} ASSO_TOKEN_STATE=${_asso_rec[6]}
  ASSO_EXPIRES_AT=${_asso_rec[7]} ASSO_PROD=${_asso_rec[9]} ASSO_ERROR=''
  ASSO_CREDENTIAL_SOURCE=${_asso_rec[12]}
  _asso_template=${_asso_rec[10]} _asso_next_check=${_asso_rec[8]} _asso_missing=''
  _asso_key=$2 _asso_gen=$_asso_tbl_gen _asso_render_until=0
  _asso_watch=(${_asso_tbl_watch[@]+"${_asso_tbl_watch[@]}"})
  _asso_set_stamp "$_asso_tbl_file" "$_asso_tbl_gen" ${_asso_tbl_watch[@]+"${_asso_tbl_watch[@]}"}
}

# Completion: _asso_tbl_names holds the profile names while the table is current.
_asso_table_names() {
  local REPLY name description group file
  _asso_inputs ''
  _asso_table_current "${REPLY:2}" || return 1
  [[ $_asso_tbl_names_gen == "$_asso_tbl_gen" ]] && return 0
  file=$_asso_tbl_file.d/names
  _asso_own_file "$file" || return 1
  _asso_tbl_names=()
  {
    IFS='' read -r -d '' name && IFS='' read -r -d '' group &&
      [[ $name == gen && $group == "$_asso_tbl_gen" ]] || return 1
    while IFS='' read -r -d '' name && IFS='' read -r -d '' description &&
      IFS='' read -r -d '' group; do
      _asso_tbl_names+=("$name") # bash shows no descriptions: skip them and the group
    done
  } <"$file" 2>/dev/null
  _asso_tbl_names_gen=$_asso_tbl_gen
  return 0
}

# asp chose $1 without the helper: put it in the recent list's log (asso.shell.recent), one
# short append, only to the regular file of ours the helper created.
_asso_note_recent() {
  local log=$ASSO_STATE_DIR/recent-log
  [[ -f $log && ! -L $log && -O $log ]] || return 0
  printf '%s\n' "$1" 2>/dev/null >>"$log"
  return 0
}
