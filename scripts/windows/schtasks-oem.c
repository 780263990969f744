/* Test-only (never shipped): a stand-in for schtasks.exe that fails the way the real one does on
 * a Russian Windows: its message goes to a redirected stderr in the OEM code page (866 there),
 * not in UTF-8. Put beside klyuchnik.exe, it is found before System32's (Windows looks in the
 * program's own folder first). Shows that Ключник reads the message as Russian, not as «����».
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -o schtasks.exe schtasks-oem.c */
#include <windows.h>

int wmain(void) {
    const wchar_t *text = L"ОШИБКА: Отказано в доступе.\r\n";
    char bytes[256];
    int n = WideCharToMultiByte(CP_OEMCP, 0, text, -1, bytes, sizeof bytes, NULL, NULL);
    DWORD written;
    if (n > 1) WriteFile(GetStdHandle(STD_ERROR_HANDLE), bytes, (DWORD)(n - 1), &written, NULL);
    return 1;
}
