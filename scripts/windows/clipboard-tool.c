/* Test-only (never shipped): another Windows program using the clipboard, as a browser would.
 *   clipboard-tool.exe set TEXT   puts TEXT on the clipboard (CF_UNICODETEXT) and exits;
 *   clipboard-tool.exe get OUT    writes the clipboard's text to the file OUT as UTF-8.
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -o clipboard-tool.exe clipboard-tool.c */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

static int open_clipboard(void) {
    /* Another process may hold it for a moment (Wine's X11 bridge, the app under test). */
    for (int i = 0; i < 50; i++) {
        if (OpenClipboard(NULL)) return 1;
        Sleep(100);
    }
    fwprintf(stderr, L"OpenClipboard failed: %lu\n", GetLastError());
    return 0;
}

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) {
        fwprintf(stderr, L"usage: clipboard-tool set TEXT | get OUT\n");
        return 2;
    }
    if (!open_clipboard()) return 1;
    if (wcscmp(argv[1], L"set") == 0) {
        size_t bytes = (wcslen(argv[2]) + 1) * sizeof(wchar_t);
        HGLOBAL mem = GlobalAlloc(GMEM_MOVEABLE, bytes);
        if (!mem) return 1;
        memcpy(GlobalLock(mem), argv[2], bytes);
        GlobalUnlock(mem);
        EmptyClipboard();
        if (!SetClipboardData(CF_UNICODETEXT, mem)) {
            fwprintf(stderr, L"SetClipboardData failed: %lu\n", GetLastError());
            CloseClipboard();
            return 1;
        }
        CloseClipboard();
        return 0;
    }
    if (wcscmp(argv[1], L"get") == 0) {
        HANDLE data = GetClipboardData(CF_UNICODETEXT);
        const wchar_t *text = data ? (const wchar_t *)GlobalLock(data) : L"";
        int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, NULL, 0, NULL, NULL);
        char *utf8 = (char *)malloc(n > 0 ? n : 1);
        utf8[0] = 0;
        if (n > 0) WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, n, NULL, NULL);
        if (data) GlobalUnlock(data);
        CloseClipboard();
        FILE *out = _wfopen(argv[2], L"wb");
        if (!out) return 1;
        fputs(utf8, out);
        fclose(out);
        free(utf8);
        return 0;
    }
    CloseClipboard();
    return 2;
}
