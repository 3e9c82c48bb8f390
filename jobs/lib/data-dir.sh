# Sourced by the jobs/ scripts: sets DATA, the one data folder: $LRP_AUDIT_DATA, else `data.dir` of
# conf/lrp-audit.conf (only its one-line form  data.dir = "..."  is read here), else data/ in the repository.
# Needs ROOT (the repository root).
if [ -n "${LRP_AUDIT_DATA:-}" ]; then
  DATA="$LRP_AUDIT_DATA"; case "$DATA" in /*) ;; *) DATA="$PWD/$DATA" ;; esac
else
  # HOCON: the last assignment wins.
  DATA="$(sed -n -E 's/^[[:space:]]*data\.dir[[:space:]]*[=:][[:space:]]*"?([^"#]*[^"#[:space:]])"?[[:space:]]*(#.*)?$/\1/p' \
    "$ROOT/conf/lrp-audit.conf" 2>/dev/null | tail -n 1)"
  [ -n "$DATA" ] || DATA=data
  case "$DATA" in /*) ;; *) DATA="$ROOT/$DATA" ;; esac
fi
