#!/usr/bin/env bash
# Proves the container image boots, on a machine with podman and debootstrap but no container
# registry and no way to run containers (docs/deployment.md):
#   base    make localhost/survey-base:bookworm with debootstrap, once (cached in CHECK_CACHE)
#   build   podman build --format docker (the HEALTHCHECK is kept) -> localhost/survey-app:check
#   export  the image's files into a fresh directory
#   boot    the image's CMD under chroot as the image's user, with the image's ENV and WORKDIR,
#           against an empty PostgreSQL database; then /healthz, the sign-in page, the schema at
#           the head revision, the image's HEALTHCHECK command and the worker entry point.
# Runs as root. Everything it starts, mounts or creates is undone on exit, pass or fail.
#
# Environment:
#   CHECK_CACHE       cache directory (debootstrap tarball, rootfs, logs)  /var/tmp/survey-container
#   DEBIAN_MIRROR     Debian mirror for the base        the first one in this machine's apt sources
#   DEBIAN_SECURITY_MIRROR  security mirror             found in the apt sources, else guessed
#   CHECK_PORT        port the app listens on under chroot (host network)              18080
#   CHECK_DATABASE    database created, used and dropped on 127.0.0.1:5432       container_check
#   CHECK_PGHOST / CHECK_PGPORT / CHECK_PGUSER                        127.0.0.1 / 5432 / postgres
#   CHECK_TIMEOUT     seconds to wait for /healthz                                            60
#   CHECK_LAYERS=1    build with podman's per-step layer cache (off: one commit, faster on vfs)
#   CHECK_NO_CACHE=1  with CHECK_LAYERS=1: ignore the cached layers
#   CHECK_REBUILD_BASE=1  debootstrap the base again even if cached
#   CHECK_CA_BUNDLE   CA list handed to pip during the build only (a network that intercepts
#                     HTTPS); default: this machine's /etc/ssl/certs/ca-certificates.crt
#   CHECK_QUEUE_URL   QUEUE_URL for the app and the worker (e.g. redis://127.0.0.1:6379/15);
#                     unset: the default SQLite queue under instance/
#   CHECK_KEEP=1      keep the exported rootfs after the run (the logs are always kept)
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK_CACHE=$(realpath -m "${CHECK_CACHE:-/var/tmp/survey-container}")
BASE_IMAGE=localhost/survey-base:bookworm
BASE_RECIPE=2  # raise when make_base changes: a cached base of another recipe is made again
APP_IMAGE=localhost/survey-app:check
PORT_UNDER_TEST=${CHECK_PORT:-18080}
DB=${CHECK_DATABASE:-container_check}
PGHOST_=${CHECK_PGHOST:-127.0.0.1}
PGPORT_=${CHECK_PGPORT:-5432}
PGUSER_=${CHECK_PGUSER:-postgres}
TIMEOUT=${CHECK_TIMEOUT:-60}
CA_BUNDLE=${CHECK_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
PODMAN=(podman --storage-driver vfs)
ROOTFS=$(realpath -m "$CHECK_CACHE/rootfs")
LOGS=$CHECK_CACHE/logs
CONTAINER=survey-check-$$
SECRET=check-$$-$RANDOM$RANDOM

# --- bookkeeping: steps, timings, the summary -------------------------------------------------
STEPS=()
RESULTS=()
TIMES=()
NOTES=()
CURRENT=""
STARTED_AT=0
RUN_STARTED=$(date +%s)
WEB_PID=""
WORKER_PID=""
MOUNTS=()
DB_CREATED=0
CONTAINER_CREATED=0
IMAGE_MOUNTED=0

say() { printf '\n==> %s\n' "$*"; }
note() { NOTES+=("$*"); printf '    %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

begin() {
  CURRENT=$1
  STARTED_AT=$(date +%s)
  say "$1: $2"
}

finish() {  # finish [result]
  STEPS+=("$CURRENT")
  RESULTS+=("${1:-ok}")
  TIMES+=("$(($(date +%s) - STARTED_AT))")
  CURRENT=""
}

pg() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" "$@"; }

# --- cleanup: always ---------------------------------------------------------------------------
stop_group() {  # stop_group PID: TERM the process group started with setsid, then KILL
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

kill_chrooted() {  # any process still rooted in our rootfs (started by this run) is killed
  local proc root
  [ -d "$ROOTFS" ] || return 0
  for proc in /proc/[0-9]*; do
    root=$(readlink "$proc/root" 2>/dev/null) || continue
    if [ "$root" = "$ROOTFS" ]; then
      kill -KILL "${proc#/proc/}" 2>/dev/null || true
    fi
  done
}

mounted_under() {  # prints the mount points at or under $1
  awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo
}

unmount_all() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" 2>/dev/null || true
  done
  MOUNTS=()
}

remove_rootfs() {
  if [ -n "$(mounted_under "$ROOTFS")" ]; then
    echo "check: not removing $ROOTFS, something is still mounted under it:" >&2
    mounted_under "$ROOTFS" >&2
    return 1
  fi
  rm -rf --one-file-system "$ROOTFS"
}

cleanup() {
  local status=$? i total
  trap - EXIT INT TERM
  set +e
  if [ -n "$CURRENT" ]; then finish FAIL; status=1; fi
  stop_group "$WORKER_PID"
  stop_group "$WEB_PID"
  kill_chrooted
  unmount_all
  if [ "$DB_CREATED" = 1 ]; then
    pg -d postgres -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 \
      || echo "check: could not drop database $DB" >&2
  fi
  if [ "$IMAGE_MOUNTED" = 1 ]; then
    "${PODMAN[@]}" image unmount "$APP_IMAGE" >/dev/null 2>&1
  fi
  if [ "$CONTAINER_CREATED" = 1 ]; then
    "${PODMAN[@]}" rm -f "$CONTAINER" >/dev/null 2>&1
  fi
  if [ "${CHECK_KEEP:-0}" != 1 ] && [ -d "$ROOTFS" ]; then
    remove_rootfs || status=1
  fi
  total=$(($(date +%s) - RUN_STARTED))
  printf '\n==================== container check ====================\n'
  for i in "${!STEPS[@]}"; do
    printf '  %-8s %-5s %4ss\n' "${STEPS[i]}" "${RESULTS[i]}" "${TIMES[i]}"
  done
  for i in "${!NOTES[@]}"; do printf '  note: %s\n' "${NOTES[i]}"; done
  printf '  total    %10ss\n' "$total"
  if [ "$status" = 0 ]; then
    printf '  PASS: the image builds, boots, migrates and answers.\n'
  else
    printf '  FAIL (exit %s); logs in %s\n' "$status" "$LOGS"
  fi
  printf '=========================================================\n'
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- preconditions ------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || fail "run as root (debootstrap, chroot and mounts need it)"
for tool in podman debootstrap chroot setsid curl psql pg_isready python3 tar mknod; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install podman debootstrap postgresql-client curl)"
done
case "$DB" in test | scale | postgres | template0 | template1) fail "refusing to use database $DB" ;; esac
pg_isready -q -h "$PGHOST_" -p "$PGPORT_" || fail "no PostgreSQL at $PGHOST_:$PGPORT_"
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT_UNDER_TEST/"; then
  fail "port $PORT_UNDER_TEST is taken; set CHECK_PORT"
fi
mkdir -p "$CHECK_CACHE" "$LOGS"
if [ -n "$(mounted_under "$ROOTFS")" ]; then
  fail "$ROOTFS has mounts left by an earlier run; unmount them first"
fi

# --- a: the base image ---------------------------------------------------------------------------
apt_uris() {  # every URI of this machine's enabled apt sources (one-line and deb822 formats)
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
  done
}

serves() {  # serves URI SUITE: the mirror answers for that suite
  curl -fsI --max-time 15 "${1%/}/dists/$2/InRelease" >/dev/null 2>&1 \
    || curl -fsI --max-time 15 "${1%/}/dists/$2/Release" >/dev/null 2>&1
}

find_mirrors() {
  local uri
  MIRROR=${DEBIAN_MIRROR:-}
  if [ -z "$MIRROR" ]; then
    for uri in $(apt_uris) http://deb.debian.org/debian; do
      case "$uri" in *security*) continue ;; esac
      if serves "$uri" bookworm; then MIRROR=${uri%/}; break; fi
    done
  fi
  [ -n "$MIRROR" ] || fail "no Debian mirror answers for bookworm; set DEBIAN_MIRROR"
  SECURITY=${DEBIAN_SECURITY_MIRROR:-}
  if [ -z "$SECURITY" ]; then
    for uri in $(apt_uris) "$MIRROR-security" http://deb.debian.org/debian-security; do
      if serves "$uri" bookworm-security; then SECURITY=${uri%/}; break; fi
    done
  fi
  UPDATES=0
  if serves "$MIRROR" bookworm-updates; then UPDATES=1; fi
}

make_base() {
  local tarball=$CHECK_CACHE/base-bookworm-r$BASE_RECIPE.tar dir=$CHECK_CACHE/base-rootfs recipe
  if [ "${CHECK_REBUILD_BASE:-0}" = 1 ]; then
    rm -f "$tarball"
    "${PODMAN[@]}" rmi -f "$BASE_IMAGE" >/dev/null 2>&1 || true
  fi
  if "${PODMAN[@]}" image exists "$BASE_IMAGE"; then
    recipe=$("${PODMAN[@]}" image inspect --format '{{index .Labels "survey.base-recipe"}}' "$BASE_IMAGE")
    if [ "$recipe" = "$BASE_RECIPE" ]; then
      note "base: $BASE_IMAGE already present"
      return
    fi
    note "base: $BASE_IMAGE is of recipe '${recipe:-none}', making recipe $BASE_RECIPE"
    "${PODMAN[@]}" rmi -f "$BASE_IMAGE" >/dev/null
  fi
  if [ ! -s "$tarball" ]; then
    find_mirrors
    note "base: debootstrap from $MIRROR (security: ${SECURITY:-unreachable, left out}; updates: $UPDATES)"
    [ -z "$(mounted_under "$dir")" ] || fail "$dir has mounts; unmount them first"
    rm -rf --one-file-system "$dir"
    debootstrap --variant=minbase bookworm "$dir" "$MIRROR" >"$LOGS/debootstrap.log" 2>&1 \
      || { tail -n 30 "$LOGS/debootstrap.log"; fail "debootstrap failed ($LOGS/debootstrap.log)"; }
    {
      echo "deb $MIRROR bookworm main"
      if [ "$UPDATES" = 1 ]; then echo "deb $MIRROR bookworm-updates main"; fi
      if [ -n "$SECURITY" ]; then echo "deb $SECURITY bookworm-security main"; fi
    } >"$dir/etc/apt/sources.list"
    # Slim like debian:bookworm-slim: dpkg leaves out documentation, manuals and translations
    # (each package's copyright stays).
    cat >"$dir/etc/dpkg/dpkg.cfg.d/slim" <<'EOF_SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF_SLIM
    find "$dir/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
    find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/groff/* \
      "$dir"/usr/share/lintian/*
    find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
    # What an image must not carry over from this machine or from debootstrap's own run.
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin \
      "$dir"/var/lib/apt/lists/* "$dir"/var/log/* "$dir"/tmp/* "$dir"/etc/resolv.conf
    : >"$dir/etc/machine-id"
    echo localhost >"$dir/etc/hostname"
    tar --numeric-owner -C "$dir" -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    rm -rf --one-file-system "$dir"
  else
    note "base: imported from the cached $tarball"
  fi
  "${PODMAN[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --change "LABEL survey.base-recipe=$BASE_RECIPE" \
    "$tarball" "$BASE_IMAGE" >/dev/null
}

begin base "the Debian bookworm base image"
make_base
finish

# --- b: build ------------------------------------------------------------------------------------
begin build "podman build --format docker -t $APP_IMAGE"
build_args=(build --format docker --pull=never --isolation "${CHECK_ISOLATION:-chroot}" --network host --build-arg "BASE=$BASE_IMAGE"
  -t "$APP_IMAGE" -f Dockerfile)
if [ -s "$CA_BUNDLE" ]; then build_args+=(--secret "id=ca-bundle,src=$CA_BUNDLE"); fi
# Under vfs every committed step is a full copy of the image's files: one commit at the end
# builds faster from scratch (73 s against 101 s here) and leaves no intermediate images behind.
# CHECK_LAYERS=1 keeps podman's per-step cache instead.
if [ "${CHECK_LAYERS:-0}" = 1 ]; then build_args+=(--layers=true); else build_args+=(--layers=false); fi
if [ "${CHECK_NO_CACHE:-0}" = 1 ]; then build_args+=(--no-cache); fi
old_image=$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$APP_IMAGE" 2>/dev/null || true)
if ! "${PODMAN[@]}" "${build_args[@]}" . 2>&1 | tee "$LOGS/build.log" \
  | grep --line-buffered -E 'STEP [0-9]+/|COMMIT '; then
  tail -n 40 "$LOGS/build.log"
  fail "podman build failed ($LOGS/build.log)"
fi
new_image=$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$APP_IMAGE")
if [ -n "$old_image" ] && [ "$old_image" != "$new_image" ]; then
  "${PODMAN[@]}" rmi "$old_image" >/dev/null 2>&1 || true  # the previous check's image only
fi
note "image: $APP_IMAGE $(
  "${PODMAN[@]}" image inspect --format '{{.Size}}' "$APP_IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }'
)"
finish

# --- c: export -----------------------------------------------------------------------------------
begin export "the image's files into $ROOTFS"
remove_rootfs
mkdir -p "$ROOTFS"
# Copied out of the mounted image (read only, twice as fast as create + export under vfs);
# through a created container when the image cannot be mounted.
if image_dir=$("${PODMAN[@]}" image mount "$APP_IMAGE" 2>/dev/null) && [ -d "$image_dir/app" ]; then
  IMAGE_MOUNTED=1
  tar --numeric-owner -C "$image_dir" -cf - . | tar --numeric-owner -C "$ROOTFS" -xf -
  "${PODMAN[@]}" image unmount "$APP_IMAGE" >/dev/null
  IMAGE_MOUNTED=0
else
  "${PODMAN[@]}" create --no-healthcheck --name "$CONTAINER" "$APP_IMAGE" >/dev/null
  CONTAINER_CREATED=1
  "${PODMAN[@]}" export "$CONTAINER" | tar --numeric-owner -C "$ROOTFS" -xf -
  "${PODMAN[@]}" rm -f "$CONTAINER" >/dev/null
  CONTAINER_CREATED=0
fi

# The image's own settings, as a container engine would apply them.
"${PODMAN[@]}" image inspect "$APP_IMAGE" >"$LOGS/inspect.json"
read_config() {  # read_config FIELD: env | cmd | workdir | user | healthcheck (NUL-separated)
  python3 - "$LOGS/inspect.json" "$1" <<'PY'
import json, sys
image = json.load(open(sys.argv[1]))[0]
config = image.get("Config") or {}
field = sys.argv[2]
if field == "env":
    items = config.get("Env") or []
elif field == "cmd":
    items = (config.get("Entrypoint") or []) + (config.get("Cmd") or [])
elif field == "workdir":
    items = [config.get("WorkingDir") or "/"]
elif field == "user":
    items = [config.get("User") or "0:0"]
else:
    # podman puts a docker-format image's healthcheck at the top; docker inside Config.
    check = image.get("Healthcheck") or image.get("HealthCheck") or config.get("Healthcheck") or {}
    test = check.get("Test") or []
    if test[:1] == ["CMD-SHELL"]:
        items = ["/bin/sh", "-c", test[1]]
    elif test[:1] == ["CMD"]:
        items = test[1:]
    else:
        items = []
sys.stdout.write("".join(item + "\0" for item in items))
PY
}
mapfile -d '' IMAGE_ENV < <(read_config env)
mapfile -d '' IMAGE_CMD < <(read_config cmd)
mapfile -d '' HEALTH_CMD < <(read_config healthcheck)
WORKDIR=$(read_config workdir | tr -d '\0')
IMAGE_USER=$(read_config user | tr -d '\0')
[ ${#IMAGE_CMD[@]} -gt 0 ] || fail "the image has no CMD"
[ ${#HEALTH_CMD[@]} -gt 0 ] || fail "the image has no HEALTHCHECK (built without --format docker?)"

# USER may be a name or uid[:gid]; chroot wants numbers, resolved from the image's own files.
user_part=${IMAGE_USER%%:*}
group_part=${IMAGE_USER#*:}
[ "$group_part" != "$IMAGE_USER" ] || group_part=""
if [[ $user_part =~ ^[0-9]+$ ]]; then
  RUN_UID=$user_part
else
  RUN_UID=$(awk -F: -v u="$user_part" '$1 == u { print $3 }' "$ROOTFS/etc/passwd")
fi
if [ -z "$group_part" ]; then
  RUN_GID=$(awk -F: -v u="$RUN_UID" '$3 == u { print $4 }' "$ROOTFS/etc/passwd")
elif [[ $group_part =~ ^[0-9]+$ ]]; then
  RUN_GID=$group_part
else
  RUN_GID=$(awk -F: -v g="$group_part" '$1 == g { print $3 }' "$ROOTFS/etc/group")
fi
[ -n "$RUN_UID" ] && [ -n "${RUN_GID:-}" ] || fail "cannot resolve the image's USER '$IMAGE_USER'"
[ "$RUN_UID" != 0 ] || fail "the image runs as root"
# HOME as a container engine sets it: the user's entry in the image's /etc/passwd.
RUN_HOME=$(awk -F: -v u="$RUN_UID" '$3 == u { print $6; exit }' "$ROOTFS/etc/passwd")
RUN_HOME=${RUN_HOME:-/}
note "image config: USER $IMAGE_USER -> $RUN_UID:$RUN_GID, WORKDIR $WORKDIR, CMD ${IMAGE_CMD[*]}"
finish

# --- d: boot -------------------------------------------------------------------------------------
begin boot "the image's CMD under chroot against an empty database $DB"
mkdir -p "$ROOTFS/proc" "$ROOTFS/dev"
MOUNTS+=("$ROOTFS/proc")  # noted first: cleanup unmounts even if the script stops right after
mount -t proc -o nosuid,nodev,noexec proc "$ROOTFS/proc"
# A private /dev with the usual device nodes (not the host's /dev bound in: nothing done inside
# the rootfs can then reach the host's devices, and removing the rootfs can never touch them).
MOUNTS+=("$ROOTFS/dev")
mount -t tmpfs -o nosuid,noexec,mode=0755,size=1m devtmp "$ROOTFS/dev"
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name major minor <<<"$node"
  mknod -m 0666 "$ROOTFS/dev/$name" c "$major" "$minor"
done
mkdir -p "$ROOTFS/dev/shm" "$ROOTFS/dev/pts"
MOUNTS+=("$ROOTFS/dev/shm")
mount -t tmpfs -o nosuid,nodev,mode=1777,size=64m shm "$ROOTFS/dev/shm"
ln -s /proc/self/fd "$ROOTFS/dev/fd"
ln -s /proc/self/fd/0 "$ROOTFS/dev/stdin"
ln -s /proc/self/fd/1 "$ROOTFS/dev/stdout"
ln -s /proc/self/fd/2 "$ROOTFS/dev/stderr"
cp -L /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$ROOTFS/etc/hosts"

pg -d postgres -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
DB_CREATED=1
pg -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null

# The image's ENV, then what an operator passes with `-e` (compose.yaml's app service).
RUN_ENV=("${IMAGE_ENV[@]}"
  "HOME=$RUN_HOME"
  "HOSTNAME=survey-check"
  "DATABASE_URL=postgresql://$PGUSER_@$PGHOST_:$PGPORT_/$DB"
  "SECRET_KEY=$SECRET"
  "PORT=$PORT_UNDER_TEST"
  "WEB_WORKERS=2"
  "SESSION_COOKIE_SECURE=0")
if [ -n "${CHECK_QUEUE_URL:-}" ]; then RUN_ENV+=("QUEUE_URL=$CHECK_QUEUE_URL"); fi

in_image() {  # in_image CMD...: run in the image's WORKDIR, as its user, with RUN_ENV
  chroot --userspec="$RUN_UID:$RUN_GID" "$ROOTFS" /usr/bin/env -i "${RUN_ENV[@]}" \
    /bin/sh -c 'cd "$0" && exec "$@"' "$WORKDIR" "$@"
}

# setsid: the entry point and its children (gunicorn's workers) form one group, stopped as one.
setsid chroot --userspec="$RUN_UID:$RUN_GID" "$ROOTFS" /usr/bin/env -i "${RUN_ENV[@]}" \
  /bin/sh -c 'cd "$0" && exec "$@"' "$WORKDIR" "${IMAGE_CMD[@]}" \
  </dev/null >"$LOGS/web.log" 2>&1 &
WEB_PID=$!

url=http://127.0.0.1:$PORT_UNDER_TEST
waited=0
until curl -fsS -o /dev/null --max-time 3 "$url/healthz" 2>/dev/null; do
  if ! kill -0 "$WEB_PID" 2>/dev/null; then
    tail -n 40 "$LOGS/web.log"
    fail "the entry point exited before answering ($LOGS/web.log)"
  fi
  if [ "$waited" -ge "$TIMEOUT" ]; then
    tail -n 40 "$LOGS/web.log"
    fail "no answer on $url/healthz after ${TIMEOUT}s"
  fi
  sleep 1
  waited=$((waited + 1))
done
note "boot: /healthz answered after ~${waited}s (migrations included)"
finish

# --- e: checks -----------------------------------------------------------------------------------
begin checks "pages, schema, healthcheck, worker"
code=$(curl -s -o "$LOGS/healthz.json" -w '%{http_code}' "$url/healthz")
[ "$code" = 200 ] || fail "GET /healthz: $code"
code=$(curl -s -o "$LOGS/dang-nhap.html" -w '%{http_code}' "$url/dang-nhap")
[ "$code" = 200 ] || fail "GET /dang-nhap: $code"
grep -q 'Đăng nhập' "$LOGS/dang-nhap.html" || fail "GET /dang-nhap: no 'Đăng nhập' in the page"
echo "    GET /healthz 200, GET /dang-nhap 200 with 'Đăng nhập'"

# gunicorn runs as the image's user, not root.
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$WEB_PID/status")
[ "$uid" = "$RUN_UID" ] || fail "the web process runs as uid $uid, not $RUN_UID"
grep -q gunicorn "/proc/$WEB_PID/cmdline" || fail "the entry point did not exec gunicorn"
echo "    gunicorn (pid $WEB_PID) runs as uid $uid"

# The schema is at the head revision the image's migrations name.
heads=$(in_image flask --app survey_app db heads 2>"$LOGS/heads.err" | awk '{ print $1 }')
[ "$(wc -w <<<"$heads")" = 1 ] || fail "expected one migration head, got: '$heads'"
rows=$(pg -d "$DB" -tA -c "SELECT version_num FROM alembic_version")
[ "$rows" = "$heads" ] || fail "alembic_version holds '$rows', the head is '$heads'"
[ "$(pg -d "$DB" -tA -c "SELECT to_regclass('public.household') IS NOT NULL")" = t ] \
  || fail "no table household after the migrations"
tables=$(pg -d "$DB" -tA -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
echo "    alembic_version = $heads (head), $tables tables, household among them"

# The HEALTHCHECK command exactly as the image states it.
in_image "${HEALTH_CMD[@]}" >"$LOGS/healthcheck.log" 2>&1 \
  || { cat "$LOGS/healthcheck.log"; fail "the image's HEALTHCHECK command failed"; }
echo "    HEALTHCHECK command exits 0"

# instance/ is writable by the image's user (the SQLite queue, a generated secret key).
in_image sh -c 'touch instance/.write-test && rm instance/.write-test' \
  || fail "instance/ is not writable by uid $RUN_UID"

# The worker entry point: alive after a few seconds with the default broker (QUEUE_URL unset).
if in_image flask --app survey_app worker --help >"$LOGS/worker-help.log" 2>&1; then
  setsid chroot --userspec="$RUN_UID:$RUN_GID" "$ROOTFS" /usr/bin/env -i "${RUN_ENV[@]}" \
    /bin/sh -c 'cd "$0" && exec ./worker.sh' "$WORKDIR" </dev/null >"$LOGS/worker.log" 2>&1 &
  WORKER_PID=$!
  sleep "${CHECK_WORKER_SECONDS:-6}"
  if ! kill -0 "$WORKER_PID" 2>/dev/null; then
    wait "$WORKER_PID" 2>/dev/null || true
    tail -n 40 "$LOGS/worker.log"
    fail "./worker.sh exited within ${CHECK_WORKER_SECONDS:-6}s ($LOGS/worker.log)"
  fi
  stop_group "$WORKER_PID"
  WORKER_PID=""
  echo "    ./worker.sh still running after ${CHECK_WORKER_SECONDS:-6}s; stopped"
elif grep -q "No such command 'worker'" "$LOGS/worker-help.log"; then
  note "worker: SKIPPED - this code has no 'flask worker' command yet; ./worker.sh is checked once it exists"
else
  cat "$LOGS/worker-help.log"
  fail "flask --app survey_app worker --help failed"
fi
finish

# A clean stop: gunicorn leaves on TERM.
stop_group "$WEB_PID"
grep -q 'Traceback' "$LOGS/web.log" && note "web.log contains a traceback; see $LOGS/web.log"
WEB_PID=""
exit 0
