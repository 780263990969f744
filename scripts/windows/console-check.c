/* Test-only (never shipped): starts a program the way cmd.exe starts a GUI program — in a fresh
 * console, without passing standard handles — waits for it, then copies what the console shows
 * into a UTF-8 file. Shows that `klyuchnik.exe list` (a GUI-subsystem exe) prints into the
 * console it was typed in. Usage: console-check.exe OUT.txt "klyuchnik.exe list"
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -o console-check.exe console-check.c */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) {
        fwprintf(stderr, L"usage: console-check OUT.txt \"COMMAND\"\n");
        return 2;
    }
    FreeConsole();
    if (!AllocConsole()) {
        fwprintf(stderr, L"AllocConsole failed: %lu\n", GetLastError());
        return 2;
    }
    STARTUPINFOW si = {0};
    si.cb = sizeof si;
    /* Null standard handles, as Windows gives a GUI program started from cmd.exe (Wine would
     * otherwise hand over the console's handles and skip the code under test). */
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = si.hStdOutput = si.hStdError = NULL;
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(NULL, argv[2], NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        fwprintf(stderr, L"CreateProcess failed: %lu\n", GetLastError());
        return 2;
    }
    WaitForSingleObject(pi.hProcess, 60000);
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);

    HANDLE con = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (con == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(con, &info)) {
        fwprintf(stderr, L"cannot read the console: %lu\n", GetLastError());
        return 2;
    }
    FILE *out = _wfopen(argv[1], L"wb");
    if (!out) return 2;
    SHORT width = info.dwSize.X;
    wchar_t *row = HeapAlloc(GetProcessHeap(), 0, (width + 1) * sizeof(wchar_t));
    char *utf8 = HeapAlloc(GetProcessHeap(), 0, width * 4 + 2);
    for (SHORT y = 0; y <= info.dwCursorPosition.Y; y++) {
        DWORD n = 0;
        COORD at = {0, y};
        ReadConsoleOutputCharacterW(con, row, width, at, &n);
        while (n > 0 && row[n - 1] == L' ') n--;
        int len = WideCharToMultiByte(CP_UTF8, 0, row, (int)n, utf8, width * 4, NULL, NULL);
        utf8[len] = '\n';
        fwrite(utf8, 1, len + 1, out);
    }
    fclose(out);
    return (int)code;
}
