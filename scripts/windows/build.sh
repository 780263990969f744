#!/usr/bin/env bash
# Cross-builds the Windows release: klyuchnik.exe and the test-only keyring_roundtrip.exe
# (examples/, never packaged). Then checks the .exe: size at most 20 MB, GUI subsystem (no
# console window), icon, version information and manifest inside, and no DLLs a clean Windows
# lacks. Extra arguments go to cargo build (CI passes --locked).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
target=x86_64-pc-windows-gnu
rel="$CARGO_TARGET_DIR/$target/release"
exe="$rel/klyuchnik.exe"
limit=20000000 # bytes: "20 MB" read strictly

cargo build --release --target "$target" --bin klyuchnik --example keyring_roundtrip "$@"

fail() { echo "ОШИБКА: $*" >&2; exit 1; }
size=$(stat -c %s "$exe")
awk -v s="$size" -v l="$limit" 'BEGIN { printf "klyuchnik.exe: %d байт = %.2f МБ (%.2f МиБ); предел %d МБ\n", s, s / 1e6, s / 1048576, l / 1e6 }'
[ "$size" -le "$limit" ] || fail "klyuchnik.exe больше 20 МБ"

headers=$(x86_64-w64-mingw32-objdump -p "$exe")
grep -q 'Subsystem.*(Windows GUI)' <<<"$headers" || fail "klyuchnik.exe не GUI-программа: при запуске мелькнёт консоль"
echo "подсистема: Windows GUI (без окна консоли)"

# DLLs the exe imports: all must ship with Windows 10/11, none from mingw (libgcc, libwinpthread…).
dlls=$(sed -n 's/^\s*DLL Name: //p' <<<"$headers" | sort -fu | tr '\n' ' ')
echo "импорт DLL: $dlls"
if grep -qiE '(^| )lib[a-z0-9_+-]*\.dll' <<<"$dlls"; then fail "klyuchnik.exe требует DLL из mingw"; fi

# Resources, as windres reads them back: Cyrillic strings come out as UTF-16 escapes.
rc=$(x86_64-w64-mingw32-windres -J coff -O rc -i "$exe")
klyuchnik='L"\x041a\x043b\x044e\x0447\x043d\x0438\x043a"' # «Ключник»
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
grep -qF "VALUE \"ProductName\", $klyuchnik" <<<"$rc" || fail "нет ProductName «Ключник»"
grep -qF "VALUE \"ProductVersion\", \"$version\"" <<<"$rc" || fail "нет ProductVersion $version"
grep -qF "FILEVERSION $(tr . , <<<"$version" | sed 's/,/, /g'), 0" <<<"$rc" || fail "FILEVERSION не $version"
icons=$(grep -c '/\* Element no' <<<"$rc" || true)
[ "$icons" -ge 4 ] || fail "значок: $icons размеров"
grep -q 'RT_MANIFEST' <<<"$rc" || fail "нет манифеста"
echo "ресурсы: значок ($icons размеров), версия $version, ProductName «Ключник», манифест"
ls -l "$exe" "$rel/examples/keyring_roundtrip.exe"
