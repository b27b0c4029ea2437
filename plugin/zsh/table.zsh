# The profile table (asso.shell.profiletable): the helper writes every profile's state; `asp`
# and completion read it here, with builtins, while it is current. It only answers what it
# holds: an exact profile name or an alias. Everything else goes to the helper.

zmodload -F zsh/stat b:zstat 2>/dev/null

typeset -gA _asso_tbl _asso_tbl_loaded # name: record, from the buckets read so far
typeset -ga _asso_tbl_files _asso_tbl_names _asso_tbl_zstat_opts _asso_zstat_opts
typeset -g _asso_tbl_file= _asso_tbl_sig= _asso_tbl_gen= _asso_tbl_rest= _asso_tbl_next=
typeset -g _asso_tbl_buckets=0 _asso_tbl_names_gen=

# The table's header file for the current region (the region is part of every record).
_asso_table_path() {
  emulate -L zsh
  _asso_file_word "${AWS_REGION:-${AWS_DEFAULT_REGION-}}"
  REPLY=$ASSO_STATE_DIR/prompt/$_asso_table_stem${REPLY:+-$REPLY}
}

# What tells a state loaded from the file $1, written as generation $2, is unchanged, for one
# zstat per check (see _asso_refresh). reply: the stamp, then the files that must exist (the
# array named $3) and, for each that must not (the array named $4), the nearest directory that
# exists (a file created below it changes its mtime); REPLY, their mtimes; _asso_zstat_opts,
# how to read them. Fails when a file of $3 is missing or newer than the stamp (changed after
# the helper read it), or one of $4 exists.
# The stamp is the file's PATH@GEN name when there is one: no later write moves its date, and
# when another write replaces the file it is gone (zstat fails). Otherwise the file itself,
# whose date another shell's helper may move within the second: nanoseconds then.
# Seconds are enough for a file last changed before the second ago: a later change gets a later
# second. One changed since ("racy", as git says) is compared to the nanosecond; formatting
# nanoseconds costs zstat more than the stat itself.
_asso_watch_sig() {
  emulate -L zsh
  local f stamp=$1
  local -a st
  local -i now=EPOCHSECONDS _asso_nplus
  [[ -n $2 && $1$_asso_stamp_mark$2 -ef $1 ]] && stamp=$1$_asso_stamp_mark$2
  reply=($stamp "${(@u)${(@P)3}}")
  _asso_nplus=$#reply
  for f in ${(P)4}; do
    f=${f:h}
    while [[ ! -e $f && $f == /?* ]]; do
      f=${f:h}
    done
    (( ${reply[(Ie)$f]} )) || reply+=("$f")
  done
  zstat -F %s%N -A st +mtime -- $reply 2>/dev/null || return 1
  for f in ${(P)4}; do # after the zstat: one created in between changed a directory it read
    [[ ! -e $f ]] || return 1
  done
  for f in ${st[2,_asso_nplus]}; do
    (( f <= st[1] )) || return 1
  done
  _asso_zstat_opts=()
  [[ $stamp == "$1" ]] && _asso_zstat_opts=(-F %s%N)
  for f in ${st[2,-1]}; do
    (( ${f%?????????} < now - 1 )) || { _asso_zstat_opts=(-F %s%N); break }
  done
  (( $#_asso_zstat_opts )) || st=(${st%?????????})
  REPLY="$st"
}

# REPLY: the whole of the file $1, a megabyte per read(2) (sysread; `read -d` reads a byte a time).
_asso_slurp() {
  emulate -L zsh
  local chunk
  local -i rc
  REPLY=
  {
    while true; do
      sysread -s 1048576 chunk
      rc=$?
      (( rc == 0 )) || break
      REPLY+=$chunk
    done
  } <$1 2>/dev/null || return 1
  (( rc == 5 )) # end of file
}

# Read the table's header, or check the one read before: true when it is current for $1 (the
# inputs without the profile, see _asso_inputs).
_asso_table_current() {
  emulate -L zsh
  (( ${+builtins[zstat]} && ${+builtins[sysread]} )) || return 1
  local REPLY file
  local -a st
  _asso_table_path
  file=$REPLY
  if [[ $file != "$_asso_tbl_file" || -z $_asso_tbl_sig ]] ||
    ! zstat $_asso_tbl_zstat_opts -A st +mtime -- $_asso_tbl_files 2>/dev/null ||
    [[ "$st" != "$_asso_tbl_sig" ]]; then
    _asso_table_read_header $file || return 1
  fi
  [[ $1 == "$_asso_tbl_rest" ]] && { [[ -z $_asso_tbl_next ]] || (( EPOCHSECONDS < _asso_tbl_next )) }
}

_asso_table_read_header() {
  emulate -L zsh
  local file=$1 data REPLY
  _asso_tbl_file= _asso_tbl_sig= _asso_tbl_gen= _asso_tbl=() _asso_tbl_loaded=()
  _asso_own_file $file || return 1
  _asso_slurp $file || return 1
  data=$REPLY
  local -a parts=("${(@0)data}") plus minus reply
  local -A head
  local -i i
  for (( i = 1; i < $#parts; i += 2 )); do
    if [[ $parts[i] == watch ]]; then
      if [[ $parts[i+1] == +* ]]; then
        plus+=("${parts[i+1]#+}")
      else
        minus+=("${parts[i+1]#-}")
      fi
    else
      head[$parts[i]]=$parts[i+1]
    fi
  done
  [[ ${head[end]-} == 1 && ${head[buckets]-} == <1-> && -n ${head[gen]-} ]] || return 1
  [[ ${head[next_check]-} == (|<->) ]] || return 1 # numbers, before arithmetic sees them
  # Stale already if a watched file changed after the helper read it.
  _asso_watch_sig $file ${head[gen]-} plus minus || return 1
  _asso_tbl_file=$file _asso_tbl_sig=$REPLY _asso_tbl_gen=$head[gen] _asso_tbl_rest=${head[rest]-}
  _asso_tbl_next=${head[next_check]-} _asso_tbl_buckets=$head[buckets]
  _asso_tbl_files=("${reply[@]}") _asso_tbl_zstat_opts=("${_asso_zstat_opts[@]}")
}

# REPLY: the bucket of the name $1 (profiletable.bucket_of).
_asso_table_bucket_of() {
  emulate -L zsh
  local name=$1 c
  local -i h=0 i
  for (( i = 1; i <= $#name; i++ )); do
    c=$name[i]
    (( h = (h * 31 + #c) & 16777215 ))
  done
  REPLY=$(( h & (_asso_tbl_buckets - 1) ))
}

# Read the bucket that holds $1, once per table (a name already read needs no hashing).
_asso_table_bucket() {
  emulate -L zsh
  (( ${+_asso_tbl[$1]} )) && return 0
  local REPLY h
  _asso_table_bucket_of $1
  h=$REPLY
  (( ${+_asso_tbl_loaded[$h]} )) && return 0
  local -a reply
  _asso_table_part $_asso_tbl_file.d/$h || return 1
  (( $#reply % 2 == 0 )) || return 1
  _asso_tbl+=("${(@)reply}")
  _asso_tbl_loaded[$h]=1
}

# reply: the fields of the table's part $1 (a bucket, the names) after its gen record, when it
# is a private file of ours written with the header read before it. Parts are written before
# the header: another gen means a write in progress.
_asso_table_part() {
  emulate -L zsh
  local REPLY
  _asso_own_file $1 || return 1
  _asso_slurp $1 || return 1
  reply=("${(@0)REPLY}")
  [[ -z ${reply[-1]-} ]] && shift -p reply
  [[ ${reply[1]-} == gen && ${reply[2]-} == "$_asso_tbl_gen" ]] || return 1
  shift 2 reply
}

# asp's lookup: $1 a name, $2 its key (_asso_inputs NAME); $3 "exact" takes no alias (the
# prompt: AWS_PROFILE set by hand). On success REPLY is the profile $1 means and reply its
# record (profiletable.RECORD_FIELDS); a profile with an error, or whose token state changed by
# the clock since, is left to the helper.
_asso_table_select() {
  emulate -L zsh
  local name=$1 rec sep=$_asso_key_sep rs=$_asso_tbl_sep
  [[ $2 == "$name$sep$name$sep"* ]] || return 1
  _asso_table_current "${2:$(( 2 * $#name + 2 ))}" || return 1
  _asso_table_bucket $name || return 1
  rec=${_asso_tbl[$name]-}
  if [[ $rec == alias$rs* && $3 != exact ]]; then
    name=${rec#alias$rs}
    _asso_table_bucket $name || return 1
    rec=${_asso_tbl[$name]-}
    [[ $rec != alias$rs* ]] || return 1
  fi
  [[ -n $rec ]] || return 1
  reply=("${(@ps:$rs:)rec}")
  (( $#reply == 13 )) && [[ -z $reply[12] ]] || return 1
  [[ -z $reply[9] ]] || { [[ $reply[9] == <-> ]] && (( EPOCHSECONDS < reply[9] )) } || return 1
  REPLY=$name
}

# Make profile $1 (key $2, record in the rest of the arguments) the loaded state, as
# _asso_load_state does from a state file: the table's header is its stamp.
_asso_table_apply() {
  emulate -L zsh
  local name=$1 key=$2
  shift 2
  ASSO_PROFILE=$name ASSO_KIND=$1 ASSO_ACCOUNT_ID=$2 ASSO_ACCOUNT_NAME=$3 ASSO_ROLE=$4
  ASSO_REGION=$5 ASSO_REGION_SOURCE=$6 ASSO_TOKEN_STATE=$7 ASSO_EXPIRES_AT=$8 ASSO_PROD=$10
  ASSO_ERROR= ASSO_CREDENTIAL_SOURCE=$13
  _asso_template=$11 _asso_next_check=$9 _asso_missing=
  _asso_stamp=$_asso_tbl_file _asso_key=$key _asso_gen=$_asso_tbl_gen _asso_sig=$_asso_tbl_sig
  _asso_watch_files=("${_asso_tbl_files[@]}") _asso_render_until=0
  _asso_watch_opts=("${_asso_tbl_zstat_opts[@]}")
}

# Completion: _asso_tbl_names holds name, description, group triples while the table is current.
_asso_table_names() {
  emulate -L zsh
  local REPLY
  _asso_inputs ''
  _asso_table_current "${REPLY:2}" || return 1
  [[ $_asso_tbl_names_gen == "$_asso_tbl_gen" ]] && return 0
  local -a reply
  _asso_table_part $_asso_tbl_file.d/names || return 1
  _asso_tbl_names=("${reply[@]}")
  _asso_tbl_names_gen=$_asso_tbl_gen
}

# asp chose $1 without the helper: put it in the recent list's log (asso.shell.recent), one
# short append, only to the regular file of ours the helper created.
_asso_note_recent() {
  emulate -L zsh
  local log=$ASSO_STATE_DIR/recent-log
  [[ -f $log && ! -L $log && -O $log ]] || return 0
  print -r -- "$1" 2>/dev/null >>$log
  return 0
}
